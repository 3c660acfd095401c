// SGD, Adam and AdamW against PyTorch (committed fixtures from
// scripts/fixtures/optim.py) and against hand-computed steps.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "autograd/grad_mode.hpp"
#include "nn/adam.hpp"
#include "nn/sgd.hpp"
#include "tensor/ops.hpp"
#include "optim_fixtures.hpp"

using namespace kindling;
using json = nlohmann::json;

namespace {

Tensor float_tensor(const json& values, const json& shape) {
    return from_vector(values.get<std::vector<float>>(), shape.get<Shape>());
}

std::unique_ptr<nn::Optimizer> make_optimizer(const std::string& type, const json& options, std::vector<Tensor> params) {
    const double lr = options.at("lr");
    const double weight_decay = options.value("weight_decay", 0.0);
    if (type == "SGD") {
        return std::make_unique<nn::SGD>(params, nn::SGDOptions{.lr = lr,
                                                                .momentum = options.value("momentum", 0.0),
                                                                .dampening = options.value("dampening", 0.0),
                                                                .weight_decay = weight_decay,
                                                                .nesterov = options.value("nesterov", false)});
    }
    const std::vector<double> betas = options.value("betas", std::vector<double>{0.9, 0.999});
    const double eps = options.value("eps", 1e-8);
    const bool amsgrad = options.value("amsgrad", false);
    if (type == "Adam") {
        return std::make_unique<nn::Adam>(params, nn::AdamOptions{.lr = lr, .beta1 = betas[0], .beta2 = betas[1],
                                                                  .eps = eps, .weight_decay = weight_decay,
                                                                  .amsgrad = amsgrad});
    }
    return std::make_unique<nn::AdamW>(params, nn::AdamWOptions{.lr = lr, .beta1 = betas[0], .beta2 = betas[1],
                                                                .eps = eps, .weight_decay = weight_decay,
                                                                .amsgrad = amsgrad});
}

} // namespace

TEST(Optimizers, MatchPyTorchOnFixedGradients) {
    const json fixture = read_optim_fixture("optim_parity.json");
    double worst_relative_error = 0.0;
    for (const auto& [config, expected] : fixture["optimizers"].items()) {
        SCOPED_TRACE(config);
        Tensor weight = float_tensor(fixture["initial"]["weight"], fixture["shapes"]["weight"]).requires_grad_();
        Tensor bias = float_tensor(fixture["initial"]["bias"], fixture["shapes"]["bias"]).requires_grad_();
        auto optimizer = make_optimizer(expected["optimizer"], expected["options"], {weight, bias});
        for (std::size_t step = 0; step < 3; ++step) {
            weight.set_grad(float_tensor(fixture["grads"][step]["weight"], fixture["shapes"]["weight"]));
            bias.set_grad(float_tensor(fixture["grads"][step]["bias"], fixture["shapes"]["bias"]));
            optimizer->step();
            for (const auto& [name, parameter] : {std::pair{"weight", weight}, std::pair{"bias", bias}}) {
                const auto want = expected["steps"][step][name].get<std::vector<double>>();
                const auto got = parameter.to_vector<double>();
                ASSERT_EQ(got.size(), want.size());
                for (std::size_t i = 0; i < want.size(); ++i) {
                    const double error = std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), 1e-3);
                    worst_relative_error = std::max(worst_relative_error, error);
                    EXPECT_LT(error, 1e-6) << name << "[" << i << "] step " << step + 1 << ": " << got[i] << " vs "
                                           << want[i];
                }
            }
        }
    }
    RecordProperty("worst_relative_error", (std::ostringstream() << worst_relative_error).str());
}

// p = 1, g = 2, lr = 0.1, momentum = 0.9:
//   step 1: buffer = g = 2               p = 1 - 0.1 * 2 = 0.8
//   step 2: buffer = 0.9 * 2 + 2 = 3.8   p = 0.8 - 0.1 * 3.8 = 0.42
TEST(SGD, FirstMomentumStepUsesTheGradientItself) {
    Tensor p = tensor({1.0}, DType::Float64).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.1, .momentum = 0.9});
    p.set_grad(tensor({2.0}, DType::Float64));
    sgd.step();
    EXPECT_DOUBLE_EQ(p.item(), 0.8);
    sgd.step();
    EXPECT_DOUBLE_EQ(p.item(), 0.42);
}

// At step 1 Adam's bias correction makes m_hat = g and v_hat = g^2, so the
// step is lr * g / (|g| + eps): lr in the direction of -sign(g).
TEST(Adam, FirstStepHasSizeLrWhateverTheGradientScale) {
    Tensor p = tensor({0.0, 0.0}, DType::Float64).requires_grad_();
    nn::Adam adam({p}, {.lr = 0.5, .eps = 0.0});
    p.set_grad(tensor({1e-4, -300.0}, DType::Float64));
    adam.step();
    EXPECT_DOUBLE_EQ(p.at({0}), -0.5);
    EXPECT_DOUBLE_EQ(p.at({1}), 0.5);
}

// AdamW shrinks weights by (1 - lr * wd) even when the gradient is zero; Adam's
// L2 decay goes through m / sqrt(v), a step of size lr instead.
TEST(AdamW, DecaysWeightsIndependentlyOfTheGradient) {
    Tensor a = tensor({2.0}, DType::Float64).requires_grad_();
    Tensor b = tensor({2.0}, DType::Float64).requires_grad_();
    nn::AdamW adamw({a}, {.lr = 0.1, .weight_decay = 0.5});
    nn::Adam adam({b}, {.lr = 0.1, .eps = 0.0, .weight_decay = 0.5});
    a.set_grad(tensor({0.0}, DType::Float64));
    b.set_grad(tensor({0.0}, DType::Float64));
    adamw.step();
    adam.step();
    EXPECT_DOUBLE_EQ(a.item(), 2.0 * (1.0 - 0.1 * 0.5));
    EXPECT_DOUBLE_EQ(b.item(), 2.0 - 0.1);
    EXPECT_EQ(adamw.type_name(), "AdamW");
}

TEST(Optimizers, SkipParametersWithoutGrad) {
    Tensor used = tensor({1.0, 2.0}).requires_grad_();
    Tensor unused = tensor({3.0, 4.0}).requires_grad_();
    nn::Adam adam({used, unused}, {.lr = 0.1});
    used.set_grad(tensor({1.0, 1.0}));
    adam.step();
    EXPECT_EQ(unused.to_vector<float>(), (std::vector<float>{3.0f, 4.0f}));
    EXPECT_NE(used.to_vector<float>(), (std::vector<float>{1.0f, 2.0f}));
    // No state was created for the skipped parameter: its step count stays 0.
    const nn::OptimizerState state = adam.state_dict();
    EXPECT_EQ(state.metadata.count("state.0.step"), 1u);
    EXPECT_EQ(state.metadata.count("state.1.step"), 0u);
    EXPECT_EQ(state.tensors.size(), 2u); // exp_avg and exp_avg_sq of parameter 0
}

TEST(Optimizers, ZeroGradDropsEveryGradient) {
    Tensor p = tensor({1.0}).requires_grad_();
    Tensor q = tensor({1.0}).requires_grad_();
    nn::SGD sgd({p, q}, {.lr = 0.1});
    sum(p * q).backward();
    ASSERT_TRUE(p.grad().defined());
    sgd.zero_grad();
    EXPECT_FALSE(p.grad().defined());
    EXPECT_FALSE(q.grad().defined());
}

TEST(Optimizers, StepUpdatesInPlaceSoTheModelSeesIt) {
    Tensor p = tensor({1.0, 1.0}).requires_grad_();
    const Tensor same_handle = p;
    const float* before = p.data<float>();
    nn::SGD sgd({p}, {.lr = 1.0});
    p.set_grad(tensor({0.5, 0.25}));
    sgd.step();
    EXPECT_EQ(p.data<float>(), before);
    EXPECT_EQ(same_handle.to_vector<float>(), (std::vector<float>{0.5f, 0.75f}));
    EXPECT_TRUE(autograd::is_grad_enabled()); // the NoGradGuard inside step() was released
}

TEST(Optimizers, RejectInvalidHyperParameters) {
    Tensor p = tensor({1.0}).requires_grad_();
    EXPECT_THROW(nn::SGD({p}, {.lr = -1.0}), std::invalid_argument);
    EXPECT_THROW(nn::SGD({p}, {.lr = 0.1, .nesterov = true}), std::invalid_argument);
    EXPECT_THROW(nn::Adam({p}, {.beta1 = 1.0}), std::invalid_argument);
    EXPECT_THROW(nn::AdamW({p}, {.weight_decay = -0.1}), std::invalid_argument);
    EXPECT_THROW(nn::SGD({p.t().t().expand({3})}, {}), std::invalid_argument); // non-contiguous view
    EXPECT_THROW(nn::SGD({p, p}, {}), std::invalid_argument);                  // would be stepped twice
    try {
        nn::SGD sgd({p}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5, .nesterov = true});
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("nesterov"), std::string::npos) << error.what();
    }
}

TEST(Optimizers, GradOfWrongShapeIsAClearError) {
    Tensor p = tensor({1.0, 2.0}).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.1});
    p.impl().grad = tensor({1.0, 2.0, 3.0}).impl_ptr(); // bypasses set_grad's own check
    try {
        sgd.step();
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("[2]"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("[3]"), std::string::npos) << error.what();
    }
}

TEST(Optimizers, LoadStateDictRejectsAWrongStateAndKeepsItsOwn) {
    Tensor p = tensor({1.0, 2.0}).requires_grad_();
    nn::SGD sgd({p}, {.lr = 0.1, .momentum = 0.9});
    p.set_grad(tensor({1.0, 1.0}));
    sgd.step();
    const nn::OptimizerState good = sgd.state_dict();

    nn::OptimizerState wrong_shape = good;
    wrong_shape.tensors[0].second = tensor({1.0, 2.0, 3.0});
    EXPECT_THROW(sgd.load_state_dict(wrong_shape), std::invalid_argument);
    nn::OptimizerState wrong_type = good;
    wrong_type.metadata["optimizer"] = "Adam";
    EXPECT_THROW(sgd.load_state_dict(wrong_type), std::invalid_argument);
    nn::OptimizerState unknown_buffer = good;
    unknown_buffer.tensors.emplace_back("state.0.exp_avg", tensor({0.0, 0.0}));
    EXPECT_THROW(sgd.load_state_dict(unknown_buffer), std::invalid_argument);
    nn::OptimizerState bad_number = good;
    bad_number.metadata["momentum"] = "fast";
    bad_number.metadata["lr"] = "7";
    EXPECT_THROW(sgd.load_state_dict(bad_number), std::invalid_argument);

    EXPECT_EQ(sgd.lr(), 0.1);
    const nn::OptimizerState after = sgd.state_dict();
    ASSERT_EQ(after.tensors.size(), 1u);
    EXPECT_EQ(after.tensors[0].second.to_vector<float>(), good.tensors[0].second.to_vector<float>());
    EXPECT_EQ(after.metadata, good.metadata);
}
