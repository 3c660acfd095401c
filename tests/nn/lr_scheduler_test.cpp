// Learning-rate schedules against torch.optim.lr_scheduler (committed
// fixture from scripts/fixtures/optim.py): the lr after every step().
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nn/lr_scheduler.hpp"
#include "nn/sgd.hpp"
#include "optim_fixtures.hpp"

using namespace kindling;
using json = nlohmann::json;

namespace {

// Each entry builds the scheduler that the fixture's entry of the same name
// was recorded with.
using MakeScheduler = std::function<std::shared_ptr<nn::LRScheduler>(nn::Optimizer&)>;

const std::map<std::string, MakeScheduler>& schedules_under_test() {
    static const std::map<std::string, MakeScheduler> schedules = {
        {"step_lr", [](nn::Optimizer& o) { return std::make_shared<nn::StepLR>(o, 3, 0.5); }},
        {"cosine_annealing_lr", [](nn::Optimizer& o) { return std::make_shared<nn::CosineAnnealingLR>(o, 10, 0.001); }},
        {"linear_lr", [](nn::Optimizer& o) { return std::make_shared<nn::LinearLR>(o, 0.1, 1.0, 4); }},
        {"one_cycle_lr", [](nn::Optimizer& o) { return std::make_shared<nn::OneCycleLR>(o, 1.0, 20); }},
        {"one_cycle_lr_three_phase_linear",
         [](nn::Optimizer& o) {
             return std::make_shared<nn::OneCycleLR>(o, 0.5, 17,
                                                     nn::OneCycleOptions{.pct_start = 0.25,
                                                                         .cosine_anneal = false,
                                                                         .div_factor = 10.0,
                                                                         .final_div_factor = 100.0,
                                                                         .three_phase = true});
         }},
        {"sequential_warmup_cosine",
         [](nn::Optimizer& o) {
             auto warmup = std::make_shared<nn::LinearLR>(o, 0.1, 1.0, 5);
             auto decay = std::make_shared<nn::CosineAnnealingLR>(o, 10);
             return std::make_shared<nn::SequentialLR>(o, std::vector<std::shared_ptr<nn::LRScheduler>>{warmup, decay},
                                                       std::vector<std::int64_t>{5});
         }},
    };
    return schedules;
}

} // namespace

TEST(LRSchedulers, MatchPyTorchStepByStep) {
    const json fixture = read_optim_fixture("optim_schedules.json");
    ASSERT_EQ(fixture["schedules"].size(), schedules_under_test().size());
    for (const auto& [name, expected_json] : fixture["schedules"].items()) {
        SCOPED_TRACE(name);
        const auto expected = expected_json.get<std::vector<double>>();
        Tensor p = tensor({0.0}).requires_grad_();
        nn::SGD sgd({p}, {.lr = fixture["base_lr"], .momentum = 0.9});
        auto scheduler = schedules_under_test().at(name)(sgd);
        for (std::size_t step = 0; step < expected.size(); ++step) {
            if (step > 0) scheduler->step();
            // PyTorch's chainable forms accumulate rounding; ours are closed forms.
            EXPECT_NEAR(sgd.lr(), expected[step], 1e-12 + 1e-12 * std::abs(expected[step])) << "after step " << step;
            EXPECT_EQ(scheduler->get_last_lr(), sgd.lr());
        }
    }
}

TEST(LinearLR, WarmUpAppliesTheStartFactorAtConstruction) {
    Tensor p = tensor({0.0}).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.5});
    nn::LinearLR warmup(sgd, 0.2, 1.0, 4);
    EXPECT_DOUBLE_EQ(sgd.lr(), 0.1);
    EXPECT_DOUBLE_EQ(sgd.initial_lr(), 0.5);
    for (int i = 0; i < 10; ++i) warmup.step();
    EXPECT_DOUBLE_EQ(sgd.lr(), 0.5);
}

TEST(OneCycleLR, RefusesToStepPastTotalSteps) {
    Tensor p = tensor({0.0}).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.5});
    nn::OneCycleLR schedule(sgd, 1.0, 4);
    EXPECT_NEAR(sgd.lr(), 1.0 / 25.0, 1e-15); // max_lr / div_factor
    for (int i = 0; i < 4; ++i) schedule.step();
    const double last = sgd.lr();
    EXPECT_NEAR(last, 1.0 / 25.0 / 1e4, 1e-15); // held at the final lr after the last batch
    EXPECT_THROW(schedule.step(), std::out_of_range);
    EXPECT_EQ(schedule.last_epoch(), 4);
    EXPECT_EQ(sgd.lr(), last);
}

TEST(LRSchedulers, StateDictResumesTheCounter) {
    Tensor p = tensor({0.0}).requires_grad_();
    nn::SGD first({p}, {.lr = 0.1});
    nn::CosineAnnealingLR original(first, 10);
    for (int i = 0; i < 3; ++i) original.step();

    nn::SGD second({p}, {.lr = 0.1});
    nn::CosineAnnealingLR resumed(second, 10);
    resumed.load_state_dict(original.state_dict());
    EXPECT_EQ(resumed.last_epoch(), 3);
    original.step();
    resumed.step();
    EXPECT_EQ(resumed.get_last_lr(), original.get_last_lr());
    EXPECT_THROW(resumed.load_state_dict(nn::Metadata{{"scheduler", "StepLR"}, {"last_epoch", "1"}}),
                 std::invalid_argument);
}

TEST(LRSchedulers, RejectInvalidArguments) {
    Tensor p = tensor({0.0}).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.1});
    EXPECT_THROW(nn::StepLR(sgd, 0), std::invalid_argument);
    EXPECT_THROW(nn::CosineAnnealingLR(sgd, -1), std::invalid_argument);
    EXPECT_THROW(nn::LinearLR(sgd, 0.0), std::invalid_argument);
    EXPECT_THROW(nn::OneCycleLR(sgd, 1.0, 0), std::invalid_argument);
    auto a = std::make_shared<nn::StepLR>(sgd, 2);
    EXPECT_THROW(nn::SequentialLR(sgd, {a, a}, {}), std::invalid_argument);
}
