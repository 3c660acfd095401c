#include <gtest/gtest.h>

#include <cmath>

#include "layers_test_support.hpp"
#include "nn/batchnorm.hpp"

using namespace kindling;
using kindling::testing::expect_gradcheck;
using kindling::testing::random_leaf;

namespace {

// Affine parameters that are not 1 and 0, so a mix-up of weight and bias shows.
void randomize_affine(nn::BatchNorm& layer, std::uint64_t seed) {
    Generator generator(seed);
    autograd::NoGradGuard no_grad;
    layer.weight.copy_(rand({layer.num_features}, generator, DType::Float64) + 0.5);
    layer.bias.copy_(randn({layer.num_features}, generator, DType::Float64));
}

} // namespace

TEST(BatchNorm2d, GradcheckTrainMode) {
    nn::BatchNorm2d layer(3);
    layer.to(DType::Float64);
    randomize_affine(layer, 1);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); },
                     {random_leaf({2, 3, 3, 2}, 2, 2.0), layer.weight, layer.bias}, "BatchNorm2d train");
}

TEST(BatchNorm2d, GradcheckEvalMode) {
    nn::BatchNorm2d layer(3);
    layer.to(DType::Float64);
    randomize_affine(layer, 3);
    {
        autograd::NoGradGuard no_grad;
        layer.running_mean.copy_(tensor({0.5, -0.2, 0.1}, DType::Float64));
        layer.running_var.copy_(tensor({2.0, 0.5, 1.5}, DType::Float64));
    }
    layer.eval();
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); },
                     {random_leaf({2, 3, 2, 2}, 4), layer.weight, layer.bias}, "BatchNorm2d eval");
}

TEST(BatchNorm1d, GradcheckTrainModeBothRanks) {
    nn::BatchNorm1d layer(4);
    layer.to(DType::Float64);
    randomize_affine(layer, 5);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); },
                     {random_leaf({5, 4}, 6), layer.weight, layer.bias}, "BatchNorm1d [N, C]");
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); },
                     {random_leaf({3, 4, 2}, 7), layer.weight, layer.bias}, "BatchNorm1d [N, C, L]");
}

TEST(BatchNorm1d, GradcheckWithoutAffine) {
    nn::BatchNorm1d layer(3, 1e-5, 0.1, false);
    layer.to(DType::Float64);
    EXPECT_EQ(layer.parameter_count(), 0);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {random_leaf({4, 3}, 8)},
                     "BatchNorm1d no affine");
}

TEST(BatchNorm1d, NormalizesAndUpdatesRunningStatsWithUnbiasedVariance) {
    nn::BatchNorm1d layer(1);
    const Tensor x = tensor({1, 2, 3, 6}).reshape({4, 1}); // mean 3, biased var 3.5, unbiased 14/3
    const std::vector<float> y = layer(x).to_vector<float>();
    const double inverse_std = 1.0 / std::sqrt(3.5 + 1e-5);
    EXPECT_NEAR(y[0], (1 - 3) * inverse_std, 1e-6);
    EXPECT_NEAR(y[3], (6 - 3) * inverse_std, 1e-6);
    EXPECT_NEAR(layer.running_mean.item(), 0.9 * 0 + 0.1 * 3, 1e-6);
    EXPECT_NEAR(layer.running_var.item(), 0.9 * 1 + 0.1 * 14.0 / 3.0, 1e-6);
    EXPECT_EQ(layer.num_batches_tracked.item(), 1);

    layer.eval(); // now (x - running_mean) / sqrt(running_var + eps)
    const double running_var = 0.9 + 0.1 * 14.0 / 3.0;
    EXPECT_NEAR(layer(tensor({2}).reshape({1, 1})).item(), (2 - 0.3) / std::sqrt(running_var + 1e-5), 1e-6);
    EXPECT_EQ(layer.num_batches_tracked.item(), 1);
}

TEST(BatchNorm1d, MomentumNoneIsACumulativeAverage) {
    nn::BatchNorm1d layer(1, 1e-5, std::nullopt);
    layer(tensor({0, 2}).reshape({2, 1}));  // mean 1
    layer(tensor({4, 6}).reshape({2, 1}));  // mean 5
    EXPECT_NEAR(layer.running_mean.item(), 3.0, 1e-6);
    EXPECT_EQ(layer.num_batches_tracked.item(), 2);
}

TEST(BatchNorm2d, RejectsBadInputWithoutChangingState) {
    nn::BatchNorm2d layer(3);
    EXPECT_THROW(layer(empty({2, 4, 3, 3})), std::invalid_argument); // wrong channel count
    EXPECT_THROW(layer(empty({2, 3, 3})), std::invalid_argument);    // wrong rank
    EXPECT_THROW(layer(ones({1, 3, 1, 1})), std::invalid_argument);  // one value per channel in training
    EXPECT_EQ(layer.num_batches_tracked.item(), 0);
    EXPECT_EQ(layer.running_mean.to_vector<float>(), std::vector<float>(3, 0.0f));
}

TEST(BatchNorm2d, BuffersAndParametersAreNamedLikePyTorch) {
    nn::BatchNorm2d layer(8);
    const auto buffers = layer.named_buffers();
    ASSERT_EQ(buffers.size(), 3u);
    EXPECT_EQ(buffers[0].first, "running_mean");
    EXPECT_EQ(buffers[1].first, "running_var");
    EXPECT_EQ(buffers[2].first, "num_batches_tracked");
    EXPECT_EQ(buffers[2].second.dtype(), DType::Int64);
    EXPECT_EQ(layer.parameter_count(), 16);
    layer.to(DType::Float64);
    EXPECT_EQ(layer.running_var.dtype(), DType::Float64);
    EXPECT_EQ(layer.num_batches_tracked.dtype(), DType::Int64);
    EXPECT_EQ(layer.to_string(), "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
}
