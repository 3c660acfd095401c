#include <gtest/gtest.h>

#include <cmath>

#include "kindling.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"

using namespace kindling;
namespace init = kindling::nn::init;

namespace {

struct Moments {
    double mean = 0, std = 0, min = 1e300, max = -1e300;
};

Moments moments_of(const Tensor& tensor) {
    const std::vector<double> values = tensor.to_vector<double>();
    Moments m;
    for (double v : values) {
        m.mean += v;
        m.min = std::min(m.min, v);
        m.max = std::max(m.max, v);
    }
    m.mean /= static_cast<double>(values.size());
    for (double v : values) m.std += (v - m.mean) * (v - m.mean);
    m.std = std::sqrt(m.std / static_cast<double>(values.size() - 1));
    return m;
}

} // namespace

TEST(Init, CalculateGainMatchesTorch) {
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::Linear), 1.0);
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::Sigmoid), 1.0);
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::Tanh), 5.0 / 3.0);
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::ReLU), std::sqrt(2.0));
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::LeakyReLU), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::LeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3.0));
    EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::SELU), 0.75);
}

TEST(Init, FanInAndFanOut) {
    using Fans = std::pair<std::int64_t, std::int64_t>;
    EXPECT_EQ(init::calculate_fan_in_and_fan_out(empty({10, 20})), Fans(20, 10));
    EXPECT_EQ(init::calculate_fan_in_and_fan_out(empty({16, 3, 5, 5})), Fans(3 * 25, 16 * 25));
    EXPECT_THROW(init::calculate_fan_in_and_fan_out(empty({7})), std::invalid_argument);
}

TEST(Init, KaimingAndXavierHaveTheRightSpread) {
    Generator generator(1);
    Tensor weight = empty({256, 128, 3, 3}); // fan_in 1152, fan_out 2304
    const double fan_in = 128 * 9, fan_out = 256 * 9;

    init::kaiming_uniform_(weight, 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU, generator);
    Moments m = moments_of(weight);
    const double kaiming_bound = std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(fan_in);
    EXPECT_LE(m.max, kaiming_bound);
    EXPECT_GE(m.min, -kaiming_bound);
    EXPECT_NEAR(m.std, std::sqrt(2.0 / fan_in), 0.01 * std::sqrt(2.0 / fan_in));
    EXPECT_NEAR(m.mean, 0.0, 1e-3);

    init::kaiming_normal_(weight, 0.0, init::FanMode::FanOut, init::Nonlinearity::ReLU, generator);
    EXPECT_NEAR(moments_of(weight).std, std::sqrt(2.0 / fan_out), 0.01 * std::sqrt(2.0 / fan_out));

    init::xavier_uniform_(weight, 2.0, generator);
    m = moments_of(weight);
    const double xavier_std = 2.0 * std::sqrt(2.0 / (fan_in + fan_out));
    EXPECT_LE(m.max, std::sqrt(3.0) * xavier_std);
    EXPECT_NEAR(m.std, xavier_std, 0.01 * xavier_std);

    init::xavier_normal_(weight, 1.0, generator);
    EXPECT_NEAR(moments_of(weight).std, xavier_std / 2.0, 0.01 * xavier_std / 2.0);
}

TEST(Init, ConstantsWorkOnParameters) {
    nn::Linear layer(3, 2);
    init::ones_(layer.weight);
    init::zeros_(layer.bias);
    EXPECT_EQ(layer.weight.to_vector<float>(), std::vector<float>(6, 1.0f));
    EXPECT_EQ(layer.bias.to_vector<float>(), std::vector<float>(2, 0.0f));
    init::constant_(layer.bias, 0.25);
    EXPECT_EQ(layer.bias.to_vector<float>(), std::vector<float>(2, 0.25f));
    EXPECT_TRUE(layer.weight.requires_grad());
}

// PyTorch's Linear: W and b ~ U(-1/sqrt(in), 1/sqrt(in)), so std = 1/sqrt(3 in).
TEST(Init, LinearDefaultMatchesPyTorchDistribution) {
    Generator generator(7);
    nn::Linear layer(400, 300, true, generator);
    const double bound = 1.0 / std::sqrt(400.0);
    const Moments weight = moments_of(layer.weight);
    EXPECT_LE(weight.max, bound);
    EXPECT_GE(weight.min, -bound);
    EXPECT_GT(weight.max, 0.99 * bound);
    EXPECT_NEAR(weight.std, bound / std::sqrt(3.0), 0.01 * bound);
    const Moments bias = moments_of(layer.bias);
    EXPECT_LE(bias.max, bound);
    EXPECT_GE(bias.min, -bound);
}

TEST(Init, SameSeedSameWeights) {
    Generator first(42), second(42), third(43);
    nn::Linear a(5, 4, true, first), b(5, 4, true, second), c(5, 4, true, third);
    EXPECT_EQ(a.weight.to_vector<float>(), b.weight.to_vector<float>());
    EXPECT_EQ(a.bias.to_vector<float>(), b.bias.to_vector<float>());
    EXPECT_NE(a.weight.to_vector<float>(), c.weight.to_vector<float>());
}
