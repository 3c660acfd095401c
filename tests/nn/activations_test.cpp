#include <gtest/gtest.h>

#include <cmath>

#include "layers_test_support.hpp"
#include "nn/activations.hpp"
#include "nn/softmax.hpp"

using namespace kindling;
using kindling::testing::expect_gradcheck;
using kindling::testing::random_leaf;

namespace {

// Gradcheck of an element-wise layer on values away from its kinks (|x| > 0.05),
// where finite differences would straddle the corner of ReLU/LeakyReLU.
void expect_layer_gradcheck(nn::Module& layer, const std::string& name) {
    Tensor x = random_leaf({3, 4}, 11, 2.0);
    {
        autograd::NoGradGuard no_grad;
        x.copy_(where(lt(abs(x), full_like(x, 0.05)), full_like(x, 0.3), x));
    }
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x}, name);
}

} // namespace

TEST(ReLU, Gradcheck) { nn::ReLU layer; expect_layer_gradcheck(layer, "ReLU"); }
TEST(LeakyReLU, Gradcheck) { nn::LeakyReLU layer(0.1); expect_layer_gradcheck(layer, "LeakyReLU"); }
TEST(Sigmoid, Gradcheck) { nn::Sigmoid layer; expect_layer_gradcheck(layer, "Sigmoid"); }
TEST(Tanh, Gradcheck) { nn::Tanh layer; expect_layer_gradcheck(layer, "Tanh"); }
TEST(GELU, Gradcheck) { nn::GELU layer; expect_layer_gradcheck(layer, "GELU"); }
TEST(GELU, GradcheckTanhApproximation) {
    nn::GELU layer(nn::functional::GeluApproximation::Tanh);
    expect_layer_gradcheck(layer, "GELU tanh");
}
TEST(Identity, Gradcheck) { nn::Identity layer; expect_layer_gradcheck(layer, "Identity"); }
TEST(Flatten, Gradcheck) {
    nn::Flatten layer;
    const Tensor x = random_leaf({2, 3, 2, 2}, 3);
    EXPECT_EQ(layer(x).shape(), (Shape{2, 12}));
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x}, "Flatten");
}
TEST(Softmax, Gradcheck) {
    nn::Softmax layer(1);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {random_leaf({2, 4, 3}, 4)}, "Softmax");
}
TEST(LogSoftmax, Gradcheck) {
    nn::LogSoftmax layer(-1);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {random_leaf({2, 4, 3}, 5)},
                     "LogSoftmax");
}

TEST(LeakyReLU, KeepsASlopeForNegatives) {
    EXPECT_EQ(nn::functional::leaky_relu(tensor({-2, 0, 3}), 0.25).to_vector<float>(), (std::vector<float>{-0.5f, 0, 3}));
}

TEST(GELU, KnownValues) {
    const std::vector<double> exact = nn::functional::gelu(tensor({-1, 0, 1}, DType::Float64)).to_vector<double>();
    EXPECT_NEAR(exact[0], -0.15865525393145707, 1e-12);
    EXPECT_EQ(exact[1], 0.0);
    EXPECT_NEAR(exact[2], 0.8413447460685429, 1e-12);
}

TEST(Softmax, StableForHugeLogits) {
    const Tensor p = nn::functional::softmax(tensor({{1000, 1000, -1000}}), 1);
    const std::vector<float> values = p.to_vector<float>();
    EXPECT_FLOAT_EQ(values[0], 0.5f);
    EXPECT_FLOAT_EQ(values[1], 0.5f);
    EXPECT_FLOAT_EQ(values[2], 0.0f);
    const std::vector<float> logs = nn::functional::log_softmax(tensor({{1000, 0}}), 1).to_vector<float>();
    EXPECT_FLOAT_EQ(logs[0], 0.0f);
    EXPECT_FLOAT_EQ(logs[1], -1000.0f);
}

TEST(Softmax, RowsSumToOneAlongAnyDim) {
    Generator generator(3);
    const Tensor x = randn({3, 5, 2}, generator);
    for (std::int64_t dim : {0, 1, 2, -1}) {
        const Tensor totals = sum(nn::functional::softmax(x, dim), {dim});
        for (float total : totals.to_vector<float>()) EXPECT_NEAR(total, 1.0f, 1e-6f) << "dim " << dim;
    }
    EXPECT_THROW(nn::functional::softmax(x, 3), std::invalid_argument);
}

TEST(Flatten, MergesTheRequestedDims) {
    EXPECT_EQ(nn::Flatten(0, 1)(empty({2, 3, 4})).shape(), (Shape{6, 4}));
    EXPECT_EQ(nn::Flatten()(empty({2, 3, 4})).shape(), (Shape{2, 12}));
}
