// state_dict / load_state_dict / save / load for modules and optimizers,
// including a PyTorch state_dict (committed fixture) and bit-exact resuming.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "autograd/grad_mode.hpp"
#include "nn/adam.hpp"
#include "nn/lr_scheduler.hpp"
#include "nn/serialization.hpp"
#include "nn/sgd.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The architecture of scripts/fixtures/optim.py's TinyNet, built from tiny
// local modules: fc (a linear layer), bn (batch-norm-like parameters and
// buffers, including int64 num_batches_tracked) and a float64 buffer.
class TinyLinear : public nn::Module {
public:
    TinyLinear(Generator& generator) {
        weight = register_parameter("weight", randn({3, 4}, generator));
        bias = register_parameter("bias", randn({3}, generator));
    }
    // x: [N, 4] -> [N, 3]
    Tensor forward(const Tensor& x) override { return matmul(x, weight.t()) + bias; }
    std::string type_name() const override { return "TinyLinear"; }
    Tensor weight, bias;
};

class TinyBatchNorm : public nn::Module {
public:
    TinyBatchNorm(Generator& generator) {
        weight = register_parameter("weight", randn({3}, generator));
        bias = register_parameter("bias", randn({3}, generator));
        register_buffer("running_mean", randn({3}, generator));
        register_buffer("running_var", rand({3}, generator));
        register_buffer("num_batches_tracked", scalar_tensor(0, DType::Int64));
    }
    // An affine map is enough to give weight and bias gradients.
    Tensor forward(const Tensor& x) override { return x * weight + bias; }
    std::string type_name() const override { return "TinyBatchNorm"; }
    Tensor weight, bias;
};

class TinyNet : public nn::Module {
public:
    explicit TinyNet(std::uint64_t seed) {
        Generator generator(seed);
        register_buffer("scale", randn({2}, generator, DType::Float64));
        fc = register_module("fc", std::make_shared<TinyLinear>(generator));
        bn = register_module("bn", std::make_shared<TinyBatchNorm>(generator));
    }
    Tensor forward(const Tensor& x) override { return (*bn)((*fc)(x)); }
    std::string type_name() const override { return "TinyNet"; }
    std::shared_ptr<TinyLinear> fc;
    std::shared_ptr<TinyBatchNorm> bn;
};

// Every tensor of the state as raw bytes: equal means bit-identical.
std::vector<std::string> snapshot(const nn::Module& module) {
    std::vector<std::string> bytes;
    for (const auto& [name, tensor] : nn::state_dict(module)) {
        const Tensor contiguous = tensor.contiguous();
        const std::size_t element_size = dtype_size(contiguous.dtype());
        const auto* data = static_cast<const char*>(contiguous.impl().storage->data()) + contiguous.offset() * element_size;
        bytes.push_back(name + ":" + std::string(data, contiguous.numel() * element_size));
    }
    return bytes;
}

json read_fixture(const std::string& name) {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/" + name);
    if (!file) throw std::runtime_error("missing fixture " + name + ": run /usr/bin/python3 scripts/fixtures/optim.py");
    return json::parse(file);
}

} // namespace

class Serialization : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "kindling-serialization-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        directory = pattern;
    }
    void TearDown() override { fs::remove_all(directory); }
    std::string file(const std::string& name) const { return (directory / name).string(); }
    fs::path directory;
};

TEST(StateDict, NamesFollowPyTorchOrderAndShareData) {
    TinyNet model(1);
    const nn::NamedTensors state = nn::state_dict(model);
    std::vector<std::string> names;
    for (const auto& entry : state) names.push_back(entry.first);
    // torch's TinyNet().state_dict().keys(), in order.
    EXPECT_EQ(names, (std::vector<std::string>{"scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                                               "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"}));
    EXPECT_TRUE(state[1].second.shares_storage_with(model.fc->weight));
    EXPECT_FALSE(state[1].second.requires_grad());
}

TEST_F(Serialization, SaveThenLoadRestoresEveryTensorBitForBit) {
    TinyNet saved(1);
    nn::save(saved, file("model.safetensors"), {{"epoch", "7"}});
    TinyNet loaded(2);
    const Tensor weight_handle = loaded.fc->weight; // e.g. held by an optimizer
    ASSERT_NE(snapshot(loaded), snapshot(saved));
    const nn::Metadata metadata = nn::load(loaded, file("model.safetensors"));
    EXPECT_EQ(snapshot(loaded), snapshot(saved));
    EXPECT_EQ(metadata.at("epoch"), "7");
    EXPECT_EQ(weight_handle.to_vector<float>(), saved.fc->weight.to_vector<float>());
    EXPECT_TRUE(loaded.fc->weight.requires_grad());
}

TEST_F(Serialization, LoadsAPyTorchStateDictWithExactValues) {
    const std::string path = std::string(KINDLING_FIXTURES_DIR) + "/optim_torch_state_dict.safetensors";
    const json expected = read_fixture("optim_torch_state_dict.json")["tensors"];
    TinyNet model(3);
    const nn::Metadata metadata = nn::load(model, path);
    EXPECT_EQ(metadata.at("format"), "pt");
    std::size_t checked = 0;
    for (const auto& [name, tensor] : nn::state_dict(model)) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(expected.contains(name));
        EXPECT_EQ(tensor.shape(), expected[name]["shape"].get<Shape>());
        if (tensor.dtype() == DType::Int64) {
            EXPECT_EQ(tensor.to_vector<std::int64_t>(), expected[name]["values"].get<std::vector<std::int64_t>>());
        } else {
            // Exact: the JSON holds each float32/float64 value's exact decimal.
            EXPECT_EQ(tensor.to_vector<double>(), expected[name]["values"].get<std::vector<double>>());
        }
        ++checked;
    }
    EXPECT_EQ(checked, expected.size());
    EXPECT_EQ(model.bn->named_buffers().back().second.to_vector<std::int64_t>(), std::vector<std::int64_t>{3});
}

TEST_F(Serialization, ReportsEveryMismatchByNameAndChangesNothing) {
    TinyNet model(1);
    const auto before = snapshot(model);
    nn::NamedTensors state = nn::state_dict(TinyNet(2));
    std::erase_if(state, [](const auto& entry) { return entry.first == "fc.bias"; });
    state.emplace_back("fc.gamma", zeros({3}));
    for (auto& [name, tensor] : state) {
        if (name == "bn.weight") tensor = zeros({4});
    }
    try {
        nn::load_state_dict(model, state);
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        for (const char* expected : {"missing keys: fc.bias", "unexpected keys: fc.gamma", "bn.weight", "[4]", "[3]"}) {
            EXPECT_NE(message.find(expected), std::string::npos) << expected << " not in: " << message;
        }
    }
    EXPECT_EQ(snapshot(model), before);
}

TEST_F(Serialization, NonStrictLoadReportsMissingAndUnexpectedKeys) {
    TinyNet model(1);
    const nn::NamedTensors full = nn::state_dict(TinyNet(2));
    const nn::NamedTensors partial = {full[1], {"extra", zeros({1})}};
    const nn::LoadResult result = nn::load_state_dict(model, partial, /*strict=*/false);
    EXPECT_EQ(result.unexpected_keys, std::vector<std::string>{"extra"});
    EXPECT_EQ(result.missing_keys.size(), full.size() - 1);
    EXPECT_EQ(model.fc->weight.to_vector<float>(), full[1].second.to_vector<float>());
}

TEST_F(Serialization, DtypeMismatchIsAnErrorNotASilentConversion) {
    nn::save(TinyNet(1), file("float32.safetensors"));
    TinyNet model(2);
    model.to(DType::Float64);
    try {
        nn::load(model, file("float32.safetensors"));
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("float32"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("float32.safetensors"), std::string::npos) << error.what();
    }
}

TEST_F(Serialization, TruncatedCheckpointLeavesTheModelUntouched) {
    nn::save(TinyNet(1), file("model.safetensors"));
    fs::resize_file(file("model.safetensors"), fs::file_size(file("model.safetensors")) - 5);
    TinyNet model(2);
    const auto before = snapshot(model);
    EXPECT_THROW(nn::load(model, file("model.safetensors")), std::runtime_error);
    EXPECT_EQ(snapshot(model), before);
}

// N steps in one go == k steps, save model + optimizer + schedule to disk,
// load into fresh objects, N - k more steps: every bit the same.
TEST_F(Serialization, ResumedTrainingIsBitIdenticalToUninterruptedTraining) {
    using MakeOptimizer = std::function<std::unique_ptr<nn::Optimizer>(std::vector<Tensor>)>;
    const std::vector<std::pair<std::string, MakeOptimizer>> optimizers = {
        {"SGD", [](std::vector<Tensor> p) {
             return std::make_unique<nn::SGD>(p, nn::SGDOptions{.lr = 0.05, .momentum = 0.9, .weight_decay = 1e-3,
                                                                 .nesterov = true});
         }},
        {"Adam", [](std::vector<Tensor> p) {
             return std::make_unique<nn::Adam>(p, nn::AdamOptions{.lr = 0.01, .weight_decay = 1e-2, .amsgrad = true});
         }},
        {"AdamW", [](std::vector<Tensor> p) { return std::make_unique<nn::AdamW>(p, nn::AdamWOptions{.lr = 0.01}); }},
    };
    Generator data_generator(7);
    const Tensor inputs = randn({8, 4}, data_generator);
    const Tensor targets = randn({8, 3}, data_generator);
    constexpr int total_steps = 7;
    constexpr int steps_before_saving = 3;

    for (const auto& [name, make_optimizer] : optimizers) {
        SCOPED_TRACE(name);
        auto train = [&](TinyNet& model, nn::Optimizer& optimizer, nn::LRScheduler& schedule, int steps) {
            for (int step = 0; step < steps; ++step) {
                optimizer.zero_grad();
                const Tensor error = model(inputs) - targets;
                mean(error * error).backward();
                optimizer.step();
                schedule.step();
            }
        };
        TinyNet uninterrupted(1);
        auto optimizer = make_optimizer(uninterrupted.parameters());
        nn::OneCycleLR schedule(*optimizer, 0.05, total_steps);
        train(uninterrupted, *optimizer, schedule, total_steps);

        TinyNet first_half(1);
        auto first_optimizer = make_optimizer(first_half.parameters());
        nn::OneCycleLR first_schedule(*first_optimizer, 0.05, total_steps);
        train(first_half, *first_optimizer, first_schedule, steps_before_saving);
        nn::save(first_half, file("model.safetensors"));
        nn::save(*first_optimizer, file("optimizer.safetensors"), first_schedule.state_dict());

        TinyNet resumed(99);
        auto resumed_optimizer = make_optimizer(resumed.parameters());
        nn::OneCycleLR resumed_schedule(*resumed_optimizer, 0.05, total_steps);
        nn::load(resumed, file("model.safetensors"));
        resumed_schedule.load_state_dict(nn::load(*resumed_optimizer, file("optimizer.safetensors")));
        train(resumed, *resumed_optimizer, resumed_schedule, total_steps - steps_before_saving);

        EXPECT_EQ(snapshot(resumed), snapshot(uninterrupted));
        EXPECT_NE(snapshot(resumed), snapshot(TinyNet(1))); // training did change the model
        EXPECT_EQ(resumed_optimizer->lr(), optimizer->lr());
    }
}

TEST_F(Serialization, OptimizerStateUsesPyTorchStyleNames) {
    TinyNet model(1);
    nn::Adam adam(model.parameters(), {.lr = 0.01});
    mean(model(ones({2, 4}))).backward();
    adam.step();
    nn::save(adam, file("adam.safetensors"));
    const nn::SafetensorsFile saved = nn::read_safetensors(file("adam.safetensors"));
    std::vector<std::string> names;
    for (const auto& entry : saved.tensors) names.push_back(entry.first);
    EXPECT_NE(std::find(names.begin(), names.end(), "state.0.exp_avg"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "state.3.exp_avg_sq"), names.end());
    EXPECT_EQ(saved.metadata.at("optimizer"), "Adam");
    EXPECT_EQ(saved.metadata.at("state.0.step"), "1");
    nn::SGD sgd(model.parameters(), {.lr = 0.1});
    EXPECT_THROW(nn::load(sgd, file("adam.safetensors")), std::invalid_argument);
    EXPECT_THROW(nn::save(adam, file("x.safetensors"), {{"lr", "1"}}), std::invalid_argument);
}
