#include <gtest/gtest.h>

#include <cmath>

#include "layers_test_support.hpp"
#include "nn/losses.hpp"

using namespace kindling;
using kindling::testing::expect_gradcheck;
using kindling::testing::random_leaf;
using nn::Reduction;

namespace {

const Tensor labels = from_vector(std::vector<std::int64_t>{0, 3, 1, 1, 2});
const Tensor labels_with_ignored = from_vector(std::vector<std::int64_t>{0, -100, 1, 1, 2});

Tensor class_weight() { return tensor({0.5, 2.0, 1.0, 1.5}, DType::Float64); }

// Probabilities kept inside (0.05, 0.95), where BCE is smooth.
Tensor probability_leaf(const Shape& shape, std::uint64_t seed) {
    Generator generator(seed);
    return (rand(shape, generator, DType::Float64) * 0.9 + 0.05).detach().requires_grad_();
}

Tensor binary_targets(const Shape& shape, std::uint64_t seed) {
    Generator generator(seed);
    return rand(shape, generator, DType::Float64).detach().requires_grad_(); // soft targets in [0, 1)
}

} // namespace

TEST(CrossEntropy, Gradcheck) {
    const Tensor logits = random_leaf({5, 4}, 1, 2.0);
    for (Reduction reduction : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
        expect_gradcheck([&](const std::vector<Tensor>& in) {
            return nn::functional::cross_entropy(in[0], labels, {.reduction = reduction});
        }, {logits}, "cross_entropy");
    }
}

TEST(CrossEntropy, GradcheckWeightsSmoothingIgnoreIndex) {
    const Tensor logits = random_leaf({5, 4}, 2, 2.0);
    expect_gradcheck([&](const std::vector<Tensor>& in) {
        return nn::functional::cross_entropy(in[0], labels_with_ignored,
                                             {.weight = class_weight(), .label_smoothing = 0.15});
    }, {logits}, "cross_entropy weighted smoothed");
}

TEST(CrossEntropy, GradcheckSpatial) {
    const Tensor logits = random_leaf({2, 3, 2, 2}, 3);
    const Tensor target = from_vector(std::vector<std::int64_t>{0, 1, 2, 2, 1, 0, 0, 1}, {2, 2, 2});
    expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::functional::cross_entropy(in[0], target); },
                     {logits}, "cross_entropy spatial");
    EXPECT_EQ(nn::functional::cross_entropy(logits, target, {.reduction = Reduction::None}).shape(), (Shape{2, 2, 2}));
}

TEST(CrossEntropy, WeightedMeanDividesByTargetWeights) {
    const Tensor logits = tensor({{0, 0}, {0, 0}}, DType::Float64);
    const Tensor target = from_vector(std::vector<std::int64_t>{0, 1});
    // Each row loses log 2; weighted mean = (1 log2 + 3 log2) / (1 + 3) = log 2.
    const Tensor weight = tensor({1.0, 3.0}, DType::Float64);
    EXPECT_NEAR(nn::functional::cross_entropy(logits, target, {.weight = weight}).item(), std::log(2.0), 1e-12);
    EXPECT_NEAR(nn::functional::cross_entropy(logits, target, {.weight = weight, .reduction = Reduction::Sum}).item(),
                4 * std::log(2.0), 1e-12);
}

TEST(CrossEntropy, IgnoredTargetsLeaveTheMean) {
    const Tensor logits = tensor({{2, 0}, {0, 5}}, DType::Float64);
    const Tensor target = from_vector(std::vector<std::int64_t>{0, -100});
    const double only_first = std::log(1 + std::exp(-2.0));
    EXPECT_NEAR(nn::CrossEntropyLoss()(logits, target).item(), only_first, 1e-12);
}

TEST(CrossEntropy, StableForHugeLogits) {
    const Tensor logits = tensor({{1000, -1000}, {-1000, 1000}});
    EXPECT_NEAR(nn::CrossEntropyLoss()(logits, from_vector(std::vector<std::int64_t>{1, 1})).item(), 1000.0, 1e-3);
}

TEST(CrossEntropy, OutOfRangeTargetNamesValueAndIndex) {
    const Tensor logits = zeros({3, 4});
    try {
        nn::functional::cross_entropy(logits, from_vector(std::vector<std::int64_t>{0, 1, 7}));
        FAIL() << "expected an exception";
    } catch (const std::out_of_range& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("target 7"), std::string::npos) << message;
        EXPECT_NE(message.find("index 2"), std::string::npos) << message;
        EXPECT_NE(message.find("4 classes"), std::string::npos) << message;
    }
    EXPECT_THROW(nn::functional::cross_entropy(logits, from_vector(std::vector<std::int64_t>{0, -1, 1})), std::out_of_range);
    EXPECT_THROW(nn::functional::cross_entropy(logits, zeros({3})), std::invalid_argument);         // float target
    EXPECT_THROW(nn::functional::cross_entropy(logits, arange(4)), std::invalid_argument);          // wrong length
}

TEST(NLLLoss, Gradcheck) {
    const Tensor log_probabilities = random_leaf({5, 4}, 4);
    expect_gradcheck([&](const std::vector<Tensor>& in) {
        return nn::functional::nll_loss(in[0], labels_with_ignored, {.weight = class_weight()});
    }, {log_probabilities}, "nll_loss");
}

TEST(MSELoss, Gradcheck) {
    expect_gradcheck([](const std::vector<Tensor>& in) { return nn::MSELoss()(in[0], in[1]); },
                     {random_leaf({3, 4}, 5), random_leaf({3, 4}, 6)}, "mse_loss");
}

TEST(L1Loss, Gradcheck) {
    expect_gradcheck([](const std::vector<Tensor>& in) { return nn::L1Loss(Reduction::Sum)(in[0], in[1]); },
                     {random_leaf({3, 4}, 7), random_leaf({3, 4}, 8)}, "l1_loss");
}

TEST(MSELoss, ShapeMismatchNamesBothShapes) {
    try {
        nn::functional::mse_loss(zeros({3, 4}), zeros({4, 3}));
        FAIL() << "expected an exception";
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("[3, 4]"), std::string::npos) << message;
        EXPECT_NE(message.find("[4, 3]"), std::string::npos) << message;
    }
}

TEST(BCELoss, Gradcheck) {
    const Tensor weight = tensor({0.5, 1.0, 2.0}, DType::Float64);
    expect_gradcheck([&](const std::vector<Tensor>& in) {
        return nn::BCELoss({.weight = weight})(in[0], in[1]);
    }, {probability_leaf({4, 3}, 9), binary_targets({4, 3}, 10)}, "binary_cross_entropy");
}

TEST(BCELoss, RejectsValuesOutsideZeroOne) {
    EXPECT_THROW(nn::BCELoss()(tensor({0.5, 1.5}), tensor({0, 1})), std::invalid_argument);
    EXPECT_NEAR(nn::BCELoss({.reduction = Reduction::Sum})(tensor({0, 1}), tensor({1, 0})).item(), 200.0, 1e-4);
}

TEST(BCEWithLogitsLoss, Gradcheck) {
    const Tensor pos_weight = tensor({3.0, 0.5, 1.0}, DType::Float64);
    const Tensor weight = tensor({1.0, 2.0, 0.5, 1.5}, DType::Float64).reshape({4, 1});
    expect_gradcheck([&](const std::vector<Tensor>& in) {
        return nn::BCEWithLogitsLoss({.weight = weight, .pos_weight = pos_weight})(in[0], in[1]);
    }, {random_leaf({4, 3}, 11, 3.0), binary_targets({4, 3}, 12)}, "bce_with_logits");
}

TEST(BCEWithLogitsLoss, StableForLargeLogits) {
    const Tensor logits = tensor({200, -200, 200, -200}).requires_grad_();
    const Tensor target = tensor({1, 0, 0, 1});
    const Tensor loss = nn::functional::binary_cross_entropy_with_logits(logits, target, {.reduction = Reduction::Sum});
    EXPECT_NEAR(loss.item(), 400.0, 1e-3); // two confident right answers, two confident wrong ones
    loss.backward();
    EXPECT_EQ(logits.grad().to_vector<float>(), (std::vector<float>{0, 0, 1, -1}));
}
