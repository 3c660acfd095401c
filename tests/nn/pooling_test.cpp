// MaxPool2d, AvgPool2d, AdaptiveAvgPool2d: hand-checked values, float64
// gradchecks, and PyTorch parity (tests/fixtures/pooling.json, made by
// scripts/fixtures/pooling.py).
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autograd/gradcheck.hpp"
#include "nn/pooling.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using kindling::testing::expect_close;
using nn::Size2d;

namespace {

// Distinct values (a shuffled range) so that max pooling has no ties, whose
// gradient finite differences cannot see.
Tensor distinct_values(const Shape& shape, std::uint64_t seed) {
    Generator generator(seed);
    const Tensor order = randperm(shape_numel(shape), generator).to(DType::Float64);
    return (order / static_cast<double>(shape_numel(shape)) - 0.5).reshape(shape).detach().requires_grad_();
}

autograd::GradcheckResult check(const std::function<Tensor(const Tensor&)>& pool, const Tensor& x,
                                const std::string& name) {
    autograd::GradcheckOptions options;
    options.name = name;
    return autograd::gradcheck([&](const std::vector<Tensor>& in) { return pool(in[0]); }, {x}, options);
}


} // namespace

TEST(Pooling, OutputSizeFormula) {
    EXPECT_EQ(nn::pool_output_size(32, 2, 2, 0, false, "test"), 16);
    EXPECT_EQ(nn::pool_output_size(7, 2, 2, 0, false, "test"), 3);
    EXPECT_EQ(nn::pool_output_size(7, 2, 2, 0, true, "test"), 4);
    // ceil_mode may not start a window in the right padding: 6 + 2*1 - 3 = 5, ceil(5/2)+1 = 4 -> 3
    EXPECT_EQ(nn::pool_output_size(6, 3, 2, 1, true, "test"), 4);
    EXPECT_EQ(nn::pool_output_size(5, 2, 2, 1, true, "test"), 3);
    EXPECT_THROW(nn::pool_output_size(8, 3, 1, 2, false, "test"), std::invalid_argument); // padding > kernel/2
    EXPECT_THROW(nn::pool_output_size(1, 3, 1, 0, false, "test"), std::invalid_argument);
}

TEST(MaxPool2d, PicksWindowMaximaAndIndices) {
    // plane 4x4 = 0..15, 2x2 windows: maxima are the bottom-right corners
    const Tensor x = arange(0.0, 16.0, 1.0, DType::Float32).view({1, 1, 4, 4});
    const auto [values, indices] = nn::max_pool2d_with_indices(x, 2);
    EXPECT_EQ(values.to_vector<float>(), (std::vector<float>{5, 7, 13, 15}));
    EXPECT_EQ(indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{5, 7, 13, 15}));
    EXPECT_EQ(indices.dtype(), DType::Int64);
}

TEST(MaxPool2d, PaddingIsMinusInfinity) {
    // All inputs negative: zero padding would win every border window; -inf never does.
    const Tensor x = full({1, 1, 3, 3}, -5.0);
    const Tensor y = nn::max_pool2d(x, 3, 1, 1);
    EXPECT_EQ(y.to_vector<float>(), std::vector<float>(9, -5.0f));
}

TEST(MaxPool2d, TiesGoToTheFirstAndNaNPropagates) {
    const auto [values, indices] = nn::max_pool2d_with_indices(ones({1, 1, 2, 2}), 2);
    EXPECT_EQ(indices.item(), 0.0);
    const Tensor with_nan = tensor({{1, std::numeric_limits<double>::quiet_NaN()}, {3, 4}}).view({1, 1, 2, 2});
    EXPECT_TRUE(std::isnan(nn::max_pool2d(with_nan, 2).item()));
}

// 2x2 stride-2 pools take a branch-free fast path; the general kernel is its
// reference. With ceil_mode on an odd width the last window is clipped, which
// sends the same pool down the general path: its first columns must agree,
// ties (many equal values) and NaNs included.
TEST(MaxPool2d, TwoByTwoFastPathMatchesTheGeneralKernel) {
    Generator generator(7);
    Tensor x = randint(0, 3, {2, 3, 6, 7}, generator).to(DType::Float32); // 0, 1, 2: plenty of ties
    float* values = x.data<float>();
    for (std::int64_t i = 5; i < x.numel(); i += 17) values[i] = std::numeric_limits<float>::quiet_NaN();
    const auto [fast_values, fast_indices] = nn::max_pool2d_with_indices(x, 2);
    const auto [general_values, general_indices] = nn::max_pool2d_with_indices(x, 2, Size2d{2, 2}, 0, true);
    ASSERT_EQ(fast_values.shape(), (Shape{2, 3, 3, 3}));
    ASSERT_EQ(general_values.shape(), (Shape{2, 3, 3, 4}));
    EXPECT_EQ(fast_indices.to_vector<std::int64_t>(), general_indices.narrow(3, 0, 3).contiguous().to_vector<std::int64_t>());
    const std::vector<float> fast = fast_values.to_vector<float>();
    const std::vector<float> general = general_values.narrow(3, 0, 3).contiguous().to_vector<float>();
    for (std::size_t i = 0; i < fast.size(); ++i) {
        EXPECT_TRUE(fast[i] == general[i] || (std::isnan(fast[i]) && std::isnan(general[i]))) << "at " << i;
    }
}

TEST(MaxPool2d, Gradcheck) {
    const Tensor x = distinct_values({2, 3, 7, 6}, 1);
    for (bool ceil_mode : {false, true}) {
        const auto result = check([&](const Tensor& in) { return nn::max_pool2d(in, {3, 2}, Size2d{2, 2}, {1, 1}, ceil_mode); },
                                  x, "max_pool2d");
        EXPECT_TRUE(result.passed) << result.message;
    }
    const auto overlapping = check([](const Tensor& in) { return nn::max_pool2d(in, 3, 1); }, x, "max_pool2d stride 1");
    EXPECT_TRUE(overlapping.passed) << overlapping.message;
    // 2x2 stride 2: the branch-free fast path's indices drive the backward pass.
    const auto two_by_two = check([](const Tensor& in) { return nn::max_pool2d(in, 2); }, x, "max_pool2d 2x2");
    EXPECT_TRUE(two_by_two.passed) << two_by_two.message;
}

TEST(AvgPool2d, CountIncludePadDividesByTheFullWindow) {
    const Tensor x = ones({1, 1, 2, 2});
    // 3x3 windows centred on each pixel see the 4 ones and 5 padding zeros
    EXPECT_EQ(nn::avg_pool2d(x, 3, 1, 1).to_vector<float>(), std::vector<float>(4, 4.0f / 9.0f));
    EXPECT_EQ(nn::avg_pool2d(x, 3, 1, 1, false, false).to_vector<float>(), std::vector<float>(4, 1.0f));
    EXPECT_EQ(nn::AvgPool2d(3, 1, 1).extra_repr(),
              "kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), ceil_mode=False, count_include_pad=True");
}

TEST(AvgPool2d, Gradcheck) {
    Generator generator(2);
    const Tensor x = randn({2, 2, 7, 6}, generator, DType::Float64).requires_grad_();
    for (bool ceil_mode : {false, true}) {
        for (bool include_pad : {false, true}) {
            const auto result = check(
                [&](const Tensor& in) { return nn::avg_pool2d(in, {3, 2}, Size2d{2, 1}, {1, 1}, ceil_mode, include_pad); },
                x, "avg_pool2d");
            EXPECT_TRUE(result.passed) << result.message;
        }
    }
}

TEST(AdaptiveAvgPool2d, GlobalAverage) {
    Generator generator(3);
    const Tensor x = randn({2, 3, 5, 4}, generator, DType::Float64);
    nn::AdaptiveAvgPool2d global(1);
    const Tensor y = global(x);
    EXPECT_EQ(y.shape(), (Shape{2, 3, 1, 1}));
    expect_close(y, mean(x, {2, 3}, true), 1e-12, "global average");
}

TEST(AdaptiveAvgPool2d, Gradcheck) {
    Generator generator(4);
    const Tensor x = randn({2, 2, 7, 5}, generator, DType::Float64).requires_grad_();
    for (Size2d output_size : {Size2d(1), Size2d(3, 2), Size2d(7, 5), Size2d(4, 6)}) {
        const auto result =
            check([&](const Tensor& in) { return nn::adaptive_avg_pool2d(in, output_size); }, x, "adaptive_avg_pool2d");
        EXPECT_TRUE(result.passed) << result.message;
    }
}

TEST(Pooling, LargeBatchUsesThreadsAndMatchesPlanes) {
    // Enough planes to cross the OpenMP threshold: each plane must still be pooled on its own.
    Generator generator(5);
    const Tensor x = randn({16, 32, 16, 16}, generator);
    const Tensor y = nn::max_pool2d(x, 2);
    const Tensor one_plane = nn::max_pool2d(x.narrow(0, 9, 1).narrow(1, 17, 1), 2);
    expect_close(y.narrow(0, 9, 1).narrow(1, 17, 1), one_plane, 0.0, "plane (9, 17)");
}

TEST(Pooling, RejectsBadArguments) {
    try {
        nn::max_pool2d(zeros({4, 4}), 2);
        FAIL() << "expected an error for a 2-D input";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("max_pool2d"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("[4, 4]"), std::string::npos) << error.what();
    }
    EXPECT_THROW(nn::MaxPool2d(2, 2, 2), std::invalid_argument);   // padding > kernel / 2
    EXPECT_THROW(nn::avg_pool2d(zeros({1, 1, 2, 2}), 3), std::invalid_argument);
    EXPECT_THROW(nn::AdaptiveAvgPool2d(0), std::invalid_argument);
    EXPECT_THROW(nn::max_pool2d(zeros({1, 1, 4, 4}, DType::Int64), 2), std::invalid_argument);
}

TEST(Pooling, MatchesPyTorch) {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/pooling.json");
    ASSERT_TRUE(file) << "missing tests/fixtures/pooling.json (run scripts/fixtures/pooling.py)";
    const nlohmann::json fixture = nlohmann::json::parse(file);
    auto load = [](const nlohmann::json& entry) {
        return from_vector(entry["data"].get<std::vector<float>>(), entry["shape"].get<Shape>());
    };
    int cases = 0;
    for (const auto& c : fixture["cases"]) {
        const std::string name = c["name"].get<std::string>(), op = c["op"].get<std::string>();
        const nlohmann::json& o = c["options"];
        const auto pair = [&](const char* key) { return Size2d(o[key][0].get<std::int64_t>(), o[key][1].get<std::int64_t>()); };
        Tensor x = load(c["input"]).requires_grad_();
        Tensor y;
        if (op == "max") {
            auto [values, indices] =
                nn::max_pool2d_with_indices(x, pair("kernel_size"), pair("stride"), pair("padding"), o["ceil_mode"].get<bool>());
            EXPECT_EQ(indices.to_vector<std::int64_t>(), c["indices"]["data"].get<std::vector<std::int64_t>>()) << name;
            y = values;
        } else if (op == "avg") {
            y = nn::avg_pool2d(x, pair("kernel_size"), pair("stride"), pair("padding"), o["ceil_mode"].get<bool>(),
                               o["count_include_pad"].get<bool>());
        } else {
            y = nn::adaptive_avg_pool2d(x, pair("output_size"));
        }
        expect_close(y, load(c["output"]), 1e-5, name + " output");
        y.backward(load(c["grad_output"]));
        expect_close(x.grad(), load(c["grad_input"]), 1e-5, name + " grad_input");
        ++cases;
    }
    EXPECT_EQ(cases, 16);
}
