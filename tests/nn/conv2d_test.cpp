// Conv2d: im2col + GEMM against the seven-loop reference, im2col/col2im as
// adjoints, float64 gradchecks over a grid of configurations, and PyTorch
// parity (tests/fixtures/conv2d.json, made by scripts/fixtures/conv2d.py).
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autograd/gradcheck.hpp"
#include "nn/conv2d.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;
using kindling::testing::expect_close;
using nn::Size2d;

namespace {

struct ConvConfig {
    std::int64_t batch, in_channels, out_channels, height, width;
    Size2d kernel, stride, padding, dilation;
    std::int64_t groups;
    bool bias;
};

std::string describe(const ConvConfig& c) {
    return "N=" + std::to_string(c.batch) + " C_in=" + std::to_string(c.in_channels) + " C_out=" +
           std::to_string(c.out_channels) + " HxW=" + std::to_string(c.height) + "x" + std::to_string(c.width) +
           " kernel=" + c.kernel.to_string() + " stride=" + c.stride.to_string() + " padding=" +
           c.padding.to_string() + " dilation=" + c.dilation.to_string() + " groups=" + std::to_string(c.groups) +
           (c.bias ? "" : " no bias");
}

// Odd sizes, N = 1, C = 1, rectangular kernels, every option off its default at least once.
const std::vector<ConvConfig> configs = {
    {2, 3, 4, 7, 7, 3, 1, 0, 1, 1, true},
    {1, 1, 1, 5, 6, 3, 1, 1, 1, 1, true},
    {3, 2, 5, 9, 8, {3, 2}, {2, 1}, {1, 0}, 1, 1, true},
    {2, 4, 6, 7, 9, 3, 2, 1, 2, 2, true},
    {1, 6, 6, 6, 5, 3, 1, 1, 1, 6, false},           // depthwise
    {2, 8, 4, 5, 5, 1, 1, 0, 1, 1, true},            // pointwise: no im2col
    {2, 8, 4, 5, 5, 1, 1, 0, 1, 2, true},            // pointwise with groups
    {2, 3, 2, 6, 6, 1, 2, 0, 1, 1, true},            // 1x1 with stride: needs im2col
    {5, 3, 4, 3, 4, 2, 1, 1, 1, 1, true},            // tiny images: several per GEMM
    {4, 2, 3, 10, 11, {5, 3}, {3, 2}, {2, 1}, {1, 2}, 1, false},
    {1, 4, 2, 4, 4, 4, 1, 3, 1, 2, true},            // padding larger than half the kernel
};

Tensor random_tensor(const Shape& shape, Generator& generator, DType dtype) {
    return randn(shape, generator, dtype);
}


double dot(const Tensor& a, const Tensor& b) { return sum(mul(a, b)).item(); }

} // namespace

TEST(Conv2d, OutputSizeFormula) {
    EXPECT_EQ(nn::conv_output_size(32, 3, 1, 1, 1, "test"), 32);
    EXPECT_EQ(nn::conv_output_size(32, 3, 2, 1, 1, "test"), 16);
    EXPECT_EQ(nn::conv_output_size(7, 3, 2, 0, 2, "test"), 2); // (7 - 5) / 2 + 1
    EXPECT_EQ(nn::conv_output_size(5, 1, 1, 0, 1, "test"), 5);
    EXPECT_THROW(nn::conv_output_size(2, 5, 1, 0, 1, "test"), std::invalid_argument);
}

TEST(Conv2d, MatchesDirectLoops) {
    Generator generator(1);
    for (DType dtype : {DType::Float32, DType::Float64}) {
        for (const ConvConfig& c : configs) {
            const Tensor x = random_tensor({c.batch, c.in_channels, c.height, c.width}, generator, dtype);
            const Tensor w = random_tensor(
                {c.out_channels, c.in_channels / c.groups, c.kernel.height, c.kernel.width}, generator, dtype);
            const Tensor b = c.bias ? random_tensor({c.out_channels}, generator, dtype) : Tensor();
            const Tensor fast = nn::conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
            const Tensor reference = nn::detail::conv2d_direct(x, w, b, c.stride, c.padding, c.dilation, c.groups);
            expect_close(fast, reference, dtype == DType::Float32 ? 1e-5 : 1e-12,
                         std::string(dtype_name(dtype)) + " " + describe(c));
        }
    }
}

TEST(Conv2d, SameResultWithOneAndTwoThreads) {
    const int previous = get_num_threads();
    Generator generator(2);
    // Big enough to be split across threads: tiny convs run on one thread anyway.
    const std::vector<ConvConfig> threaded_configs = {
        {8, 8, 8, 16, 16, 3, 1, 1, 1, 1, true},
        {11, 32, 32, 5, 5, 3, 1, 1, 1, 2, true}, // 5 images per GEMM: chunks of 5, 5 and 1
        {7, 32, 32, 16, 16, 1, 1, 0, 1, 1, true},
    };
    for (const ConvConfig& c : threaded_configs) {
        Tensor x = random_tensor({c.batch, c.in_channels, c.height, c.width}, generator, DType::Float64);
        Tensor w = random_tensor({c.out_channels, c.in_channels / c.groups, c.kernel.height, c.kernel.width},
                                 generator, DType::Float64);
        std::vector<Tensor> outputs, input_grads, weight_grads;
        for (int threads : {1, 2}) {
            set_num_threads(threads);
            x.requires_grad_(true).zero_grad();
            w.requires_grad_(true).zero_grad();
            Tensor y = nn::conv2d(x, w, Tensor(), c.stride, c.padding, c.dilation, c.groups);
            y.backward(ones_like(y));
            outputs.push_back(y.detach());
            input_grads.push_back(x.grad());
            weight_grads.push_back(w.grad());
        }
        expect_close(outputs[1], outputs[0], 1e-12, "output " + describe(c));
        expect_close(input_grads[1], input_grads[0], 1e-12, "grad input " + describe(c));
        expect_close(weight_grads[1], weight_grads[0], 1e-12, "grad weight " + describe(c));
    }
    set_num_threads(previous);
}

// <im2col(x), y> == <x, col2im(y)>: col2im is exactly the transpose of
// im2col, which is what makes dX = col2im(Wᵀ dY) the true gradient.
TEST(Conv2d, Col2imIsTheAdjointOfIm2col) {
    Generator generator(3);
    for (const ConvConfig& c : configs) {
        const Shape image_shape{c.in_channels, c.height, c.width};
        const Tensor x = random_tensor(image_shape, generator, DType::Float64);
        const Tensor columns = nn::detail::im2col(x, c.kernel, c.stride, c.padding, c.dilation);
        const Tensor y = random_tensor(columns.shape(), generator, DType::Float64);
        const Tensor back = nn::detail::col2im(y, image_shape, c.kernel, c.stride, c.padding, c.dilation);
        EXPECT_NEAR(dot(columns, y), dot(x, back), 1e-10 * (1.0 + std::abs(dot(columns, y)))) << describe(c);
    }
}

TEST(Conv2d, Im2colPlacesReceptiveFieldsInColumns) {
    // image 1x3x3 = 0..8, kernel 2x2, no padding: 4 receptive fields.
    const Tensor image = arange(0.0, 9.0, 1.0, DType::Float64).view({1, 3, 3});
    const Tensor columns = nn::detail::im2col(image, 2);
    EXPECT_EQ(columns.shape(), (Shape{4, 4}));
    // rows are kernel offsets (0,0) (0,1) (1,0) (1,1); columns the output pixels.
    EXPECT_EQ(columns.to_vector<double>(),
              (std::vector<double>{0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8}));
    // with padding 1 the corner field of output (0, 0) sees three zeros
    const Tensor padded = nn::detail::im2col(image, 2, 1, 1);
    EXPECT_EQ(padded.shape(), (Shape{4, 16}));
    EXPECT_EQ(padded.at({3, 0}), 0.0); // offset (1,1) of output (0,0) is pixel (0,0)
    EXPECT_EQ(padded.at({0, 0}), 0.0); // offset (0,0) of output (0,0) is padding
    EXPECT_EQ(padded.at({3, 5}), 4.0); // offset (1,1) of output (1,1) is pixel (1,1)
}

TEST(Conv2d, GradcheckInputWeightBias) {
    Generator generator(4);
    autograd::GradcheckOptions options;
    options.max_elements_per_input = 40; // a seeded sample keeps the grid fast
    for (const ConvConfig& c : configs) {
        Tensor x = random_tensor({c.batch, c.in_channels, c.height, c.width}, generator, DType::Float64)
                       .requires_grad_();
        Tensor w = random_tensor({c.out_channels, c.in_channels / c.groups, c.kernel.height, c.kernel.width},
                                 generator, DType::Float64)
                       .requires_grad_();
        Tensor b = random_tensor({c.out_channels}, generator, DType::Float64).requires_grad_();
        options.name = "conv2d " + describe(c);
        const auto result = autograd::gradcheck(
            [&](const std::vector<Tensor>& in) {
                return nn::conv2d(in[0], in[1], c.bias ? in[2] : Tensor(), c.stride, c.padding, c.dilation,
                                  c.groups);
            },
            c.bias ? std::vector<Tensor>{x, w, b} : std::vector<Tensor>{x, w}, options);
        EXPECT_TRUE(result.passed) << result.message;
        EXPECT_GT(result.elements_checked, 0);
    }
}

TEST(Conv2d, ModuleInitAndRepr) {
    Generator generator(5);
    nn::Conv2d conv(4, 6, {3, 5}, 2, 1, 1, 2, true, generator);
    EXPECT_EQ(conv.weight.shape(), (Shape{6, 2, 3, 5}));
    EXPECT_EQ(conv.bias.shape(), (Shape{6}));
    EXPECT_EQ(conv.parameters().size(), 2u);
    EXPECT_TRUE(conv.weight.requires_grad());
    const double bound = 1.0 / std::sqrt(2.0 * 3 * 5); // fan_in = C_in/groups * kh * kw
    for (const Tensor& parameter : conv.parameters()) {
        for (double value : parameter.to_vector<double>()) {
            EXPECT_LE(std::abs(value), bound);
        }
    }
    EXPECT_GT(max(abs(conv.weight)).item(), 0.8 * bound); // spread over the whole range, not just near 0
    EXPECT_EQ(conv.extra_repr(), "4, 6, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), groups=2");
    EXPECT_EQ(nn::Conv2d(1, 2, 3, 1, 0, 1, 1, false, generator).extra_repr(),
              "1, 2, kernel_size=(3, 3), stride=(1, 1), bias=False");

    Generator same_seed(5);
    nn::Conv2d again(4, 6, {3, 5}, 2, 1, 1, 2, true, same_seed);
    EXPECT_EQ(again.weight.to_vector<float>(), conv.weight.to_vector<float>());

    const Tensor y = conv(randn({2, 4, 8, 8}, generator));
    EXPECT_EQ(y.shape(), (Shape{2, 6, 4, 3}));
}

TEST(Conv2d, RejectsMismatchedShapesWithBothShapes) {
    const Tensor x = zeros({1, 3, 8, 8});
    try {
        nn::conv2d(x, zeros({4, 2, 3, 3}));
        FAIL() << "expected a channel mismatch error";
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("conv2d"), std::string::npos) << message;
        EXPECT_NE(message.find("[1, 3, 8, 8]"), std::string::npos) << message;
        EXPECT_NE(message.find("[4, 2, 3, 3]"), std::string::npos) << message;
    }
    EXPECT_THROW(nn::conv2d(zeros({3, 8, 8}), zeros({4, 3, 3, 3})), std::invalid_argument);
    EXPECT_THROW(nn::conv2d(x, zeros({4, 3, 3, 3}), zeros({5})), std::invalid_argument);
    EXPECT_THROW(nn::conv2d(x, zeros({4, 3, 3, 3}), Tensor(), 0), std::invalid_argument);
    EXPECT_THROW(nn::conv2d(x, zeros({4, 3, 9, 9})), std::invalid_argument);
    EXPECT_THROW(nn::conv2d(x, zeros({4, 3, 3, 3}, DType::Float64)), std::invalid_argument);
    EXPECT_THROW(nn::Conv2d(3, 4, 3, 1, 0, 1, 2), std::invalid_argument);
}

// A training loop asks for the same large outputs every step: the freed block
// must come back instead of fresh memory that is page-faulted in again.
TEST(Conv2d, ReusesLargeOutputBuffersAcrossSteps) {
    const Tensor x = zeros({8, 16, 32, 32});
    const Tensor w = zeros({32, 16, 3, 3}); // output [8, 32, 32, 32]: 1 MB
    const float* first = nullptr;
    {
        const Tensor y = nn::conv2d(x, w, Tensor(), 1, 1);
        first = y.data<float>();
    }
    const Tensor again = nn::conv2d(x, w, Tensor(), 1, 1);
    EXPECT_EQ(again.data<float>(), first);
    EXPECT_EQ(sum(again).item(), 0.0);
}

// PyTorch parity: forward and all three gradients, float32, for the configs in
// scripts/fixtures/conv2d.py.
TEST(Conv2d, MatchesPyTorch) {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/conv2d.json");
    ASSERT_TRUE(file) << "missing tests/fixtures/conv2d.json (run scripts/fixtures/conv2d.py)";
    const nlohmann::json fixture = nlohmann::json::parse(file);
    auto load = [](const nlohmann::json& entry) {
        return from_vector(entry["data"].get<std::vector<float>>(), entry["shape"].get<Shape>());
    };
    int cases = 0;
    for (const auto& c : fixture["cases"]) {
        const auto pair = [&](const char* key) { return Size2d(c[key][0].get<std::int64_t>(), c[key][1].get<std::int64_t>()); };
        Tensor x = load(c["input"]).requires_grad_();
        Tensor w = load(c["weight"]).requires_grad_();
        Tensor b = c.contains("bias") ? load(c["bias"]).requires_grad_() : Tensor();
        const std::string name = c["name"].get<std::string>();
        Tensor y = nn::conv2d(x, w, b, pair("stride"), pair("padding"), pair("dilation"), c["groups"].get<std::int64_t>());
        expect_close(y, load(c["output"]), 1e-4, name + " output");
        y.backward(load(c["grad_output"]));
        expect_close(x.grad(), load(c["grad_input"]), 1e-4, name + " grad_input");
        expect_close(w.grad(), load(c["grad_weight"]), 1e-4, name + " grad_weight");
        if (b.defined()) expect_close(b.grad(), load(c["grad_bias"]), 1e-4, name + " grad_bias");
        ++cases;
    }
    EXPECT_GE(cases, 20);
}
