// The tests of the Swish layer: gradcheck of the op and of the layer (in
// float64), and values worked out by hand.
#include <gtest/gtest.h>
#include <kindling/testing.hpp>

#include "swish.hpp"

using namespace kindling;

TEST(Swish, OpPassesGradcheck) {
    Generator generator(0);
    const Tensor x = randn({3, 4}, generator, DType::Float64).requires_grad_();
    const Tensor beta = tensor({0.7}, DType::Float64).requires_grad_();
    EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return coursework::swish(in[0], in[1]); }, {x, beta});
}

TEST(Swish, LayerPassesGradcheckWithItsParameter) {
    coursework::Swish layer;
    layer.to(DType::Float64); // finite differences need float64
    Generator generator(1);
    const Tensor x = randn({2, 5}, generator, DType::Float64).requires_grad_();
    // beta is an input too, so its gradient is checked as well.
    EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x, layer.beta});
}

TEST(Swish, MatchesValuesWorkedOutByHand) {
    coursework::Swish layer; // beta = 1: y = x * sigmoid(x)
    layer.to(DType::Float64);
    const Tensor x = tensor({0.0, 1.0, -2.0}, DType::Float64).requires_grad_();
    const Tensor y = layer(x);
    // sigmoid(1) = 0.7310585786, sigmoid(-2) = 0.1192029220
    EXPECT_TENSOR_NEAR(y, tensor({0.0, 0.7310585786, -0.2384058440}, DType::Float64), 0.0, 1e-9);

    sum(y).backward();
    // dy/dx = s + x s (1 - s);  dL/dbeta = sum of x^2 s (1 - s)
    EXPECT_TENSOR_NEAR(x.grad(), tensor({0.5, 0.9276705119, -0.0907842488}, DType::Float64), 0.0, 1e-9);
    EXPECT_TENSOR_NEAR(layer.beta.grad(), tensor({0.6165862749}, DType::Float64), 0.0, 1e-9);
}

TEST(Swish, BetaIsATrainedParameter) {
    coursework::Swish layer;
    const auto parameters = layer.named_parameters();
    ASSERT_EQ(parameters.size(), 1u);
    EXPECT_EQ(parameters[0].first, "beta");
    EXPECT_TRUE(layer.beta.requires_grad());
}
