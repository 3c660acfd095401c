// Parity with PyTorch 1.13 (tests/fixtures/layers.json, made by
// scripts/fixtures/layers.py): float32 forward outputs, input and parameter
// gradients, and BatchNorm's running statistics.
#include <functional>
#include <map>

#include "layers_test_support.hpp"
#include "nn/activations.hpp"
#include "nn/batchnorm.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/softmax.hpp"

using namespace kindling;
using kindling::testing::expect_close_to_json;
using kindling::testing::tensor_from_json;
using nlohmann::json;

namespace {

using Leaves = std::map<std::string, Tensor>;
using Constants = std::map<std::string, Tensor>;
// Computes the case's output from its leaves; may fill `extra` (BatchNorm's running stats).
using CaseFunction = std::function<Tensor(const Leaves&, const Constants&, Constants& extra)>;

nn::CrossEntropyOptions ce_options(const Constants& constants, nn::Reduction reduction = nn::Reduction::Mean,
                                   double label_smoothing = 0.0) {
    nn::CrossEntropyOptions options;
    if (constants.contains("weight")) options.weight = constants.at("weight");
    options.reduction = reduction;
    options.label_smoothing = label_smoothing;
    return options;
}

CaseFunction batch_norm(bool training) {
    return [training](const Leaves& in, const Constants& constants, Constants& extra) {
        extra["running_mean"] = constants.at("running_mean").clone();
        extra["running_var"] = constants.at("running_var").clone();
        return nn::functional::batch_norm(in.at("x"), extra["running_mean"], extra["running_var"], in.at("weight"),
                                          in.at("bias"), training, 0.1, 1e-5);
    };
}

const std::map<std::string, CaseFunction>& case_functions() {
    using namespace nn::functional;
    static const std::map<std::string, CaseFunction> functions{
        {"linear", [](const Leaves& in, const Constants&, Constants&) { return linear(in.at("x"), in.at("weight"), in.at("bias")); }},
        {"linear_batched", [](const Leaves& in, const Constants&, Constants&) { return linear(in.at("x"), in.at("weight"), in.at("bias")); }},
        {"linear_no_bias", [](const Leaves& in, const Constants&, Constants&) { return linear(in.at("x"), in.at("weight")); }},
        {"relu", [](const Leaves& in, const Constants&, Constants&) { return nn::ReLU()(in.at("x")); }},
        {"leaky_relu", [](const Leaves& in, const Constants&, Constants&) { return nn::LeakyReLU(0.2)(in.at("x")); }},
        {"sigmoid", [](const Leaves& in, const Constants&, Constants&) { return nn::Sigmoid()(in.at("x")); }},
        {"tanh", [](const Leaves& in, const Constants&, Constants&) { return nn::Tanh()(in.at("x")); }},
        {"gelu", [](const Leaves& in, const Constants&, Constants&) { return nn::GELU()(in.at("x")); }},
        {"gelu_tanh", [](const Leaves& in, const Constants&, Constants&) { return nn::GELU(GeluApproximation::Tanh)(in.at("x")); }},
        {"flatten", [](const Leaves& in, const Constants&, Constants&) { return nn::Flatten()(in.at("x")); }},
        {"softmax_dim1", [](const Leaves& in, const Constants&, Constants&) { return nn::Softmax(1)(in.at("x")); }},
        {"log_softmax_dim1", [](const Leaves& in, const Constants&, Constants&) { return nn::LogSoftmax(1)(in.at("x")); }},
        {"softmax_last", [](const Leaves& in, const Constants&, Constants&) { return softmax(in.at("x"), -1); }},
        {"log_softmax_last", [](const Leaves& in, const Constants&, Constants&) { return log_softmax(in.at("x"), -1); }},
        {"batch_norm1d_train", batch_norm(true)},
        {"batch_norm1d_3d_train", batch_norm(true)},
        {"batch_norm2d_train", batch_norm(true)},
        {"batch_norm2d_eval", batch_norm(false)},
        {"cross_entropy", [](const Leaves& in, const Constants& c, Constants&) { return cross_entropy(in.at("x"), c.at("target")); }},
        {"cross_entropy_sum", [](const Leaves& in, const Constants& c, Constants&) {
             return cross_entropy(in.at("x"), c.at("target"), ce_options(c, nn::Reduction::Sum)); }},
        {"cross_entropy_none", [](const Leaves& in, const Constants& c, Constants&) {
             return cross_entropy(in.at("x"), c.at("target"), ce_options(c, nn::Reduction::None)); }},
        {"cross_entropy_weight", [](const Leaves& in, const Constants& c, Constants&) {
             return nn::CrossEntropyLoss(ce_options(c))(in.at("x"), c.at("target")); }},
        {"cross_entropy_smoothing", [](const Leaves& in, const Constants& c, Constants&) {
             return nn::CrossEntropyLoss({.label_smoothing = 0.2})(in.at("x"), c.at("target")); }},
        {"cross_entropy_ignore", [](const Leaves& in, const Constants& c, Constants&) { return cross_entropy(in.at("x"), c.at("target")); }},
        {"cross_entropy_weight_smoothing_ignore", [](const Leaves& in, const Constants& c, Constants&) {
             return cross_entropy(in.at("x"), c.at("target"), ce_options(c, nn::Reduction::Mean, 0.1)); }},
        {"cross_entropy_weight_none", [](const Leaves& in, const Constants& c, Constants&) {
             return cross_entropy(in.at("x"), c.at("target"), ce_options(c, nn::Reduction::None)); }},
        {"cross_entropy_spatial", [](const Leaves& in, const Constants& c, Constants&) { return cross_entropy(in.at("x"), c.at("target")); }},
        {"nll_loss", [](const Leaves& in, const Constants& c, Constants&) { return nn::NLLLoss()(in.at("x"), c.at("target")); }},
        {"nll_loss_weight_ignore", [](const Leaves& in, const Constants& c, Constants&) {
             return nll_loss(in.at("x"), c.at("target"), {.weight = c.at("weight")}); }},
        {"mse_loss", [](const Leaves& in, const Constants&, Constants&) { return nn::MSELoss()(in.at("x"), in.at("y")); }},
        {"mse_loss_sum", [](const Leaves& in, const Constants&, Constants&) { return mse_loss(in.at("x"), in.at("y"), nn::Reduction::Sum); }},
        {"l1_loss", [](const Leaves& in, const Constants&, Constants&) { return nn::L1Loss()(in.at("x"), in.at("y")); }},
        {"l1_loss_none", [](const Leaves& in, const Constants&, Constants&) { return l1_loss(in.at("x"), in.at("y"), nn::Reduction::None); }},
        {"binary_cross_entropy", [](const Leaves& in, const Constants&, Constants&) { return nn::BCELoss()(in.at("x"), in.at("y")); }},
        {"binary_cross_entropy_weight", [](const Leaves& in, const Constants& c, Constants&) {
             return binary_cross_entropy(in.at("x"), in.at("y"), {.weight = c.at("weight")}); }},
        {"bce_with_logits", [](const Leaves& in, const Constants&, Constants&) { return nn::BCEWithLogitsLoss()(in.at("x"), in.at("y")); }},
        {"bce_with_logits_pos_weight_sum", [](const Leaves& in, const Constants& c, Constants&) {
             return binary_cross_entropy_with_logits(in.at("x"), in.at("y"),
                 {.weight = c.at("weight"), .pos_weight = c.at("pos_weight"), .reduction = nn::Reduction::Sum}); }},
    };
    return functions;
}

// Runs every fixture case whose name starts with one of `prefixes`; returns how many ran.
int run_cases(const std::vector<std::string>& prefixes) {
    const json fixture = kindling::testing::load_layers_fixture();
    if (fixture.is_null()) return -1;
    int ran = 0;
    for (const json& entry : fixture.at("cases")) {
        const std::string name = entry.at("name");
        bool selected = false;
        for (const std::string& prefix : prefixes) selected = selected || name.rfind(prefix, 0) == 0;
        if (!selected) continue;
        SCOPED_TRACE(name);
        const auto found = case_functions().find(name);
        if (found == case_functions().end()) {
            ADD_FAILURE() << "no C++ function for fixture case " << name;
            continue;
        }
        Leaves leaves;
        for (const auto& [key, value] : entry.at("inputs").items()) leaves[key] = tensor_from_json(value).requires_grad_();
        Constants constants;
        for (const auto& [key, value] : entry.at("constants").items()) {
            constants[key] = tensor_from_json(value, key == "target");
        }
        Constants extra;
        const Tensor output = found->second(leaves, constants, extra);
        expect_close_to_json(output, entry.at("output"), name + " output");
        output.backward(tensor_from_json(entry.at("upstream")));
        for (const auto& [key, value] : entry.at("gradients").items()) {
            expect_close_to_json(leaves.at(key).grad(), value, name + " gradient of " + key);
        }
        if (entry.contains("extra")) {
            for (const auto& [key, value] : entry.at("extra").items()) expect_close_to_json(extra.at(key), value, name + " " + key);
        }
        ++ran;
    }
    return ran;
}

} // namespace

TEST(Linear, MatchesPyTorch) { EXPECT_EQ(run_cases({"linear"}), 3); }
TEST(Activations, MatchesPyTorch) {
    EXPECT_EQ(run_cases({"relu", "leaky_relu", "sigmoid", "tanh", "gelu", "flatten", "softmax", "log_softmax"}), 11);
}
TEST(BatchNorm, MatchesPyTorch) { EXPECT_EQ(run_cases({"batch_norm"}), 4); }
TEST(CrossEntropy, MatchesPyTorch) { EXPECT_EQ(run_cases({"cross_entropy", "nll_loss"}), 11); }
TEST(Losses, MatchesPyTorch) { EXPECT_EQ(run_cases({"mse_loss", "l1_loss", "binary_cross_entropy", "bce_with_logits"}), 8); }
