// Every rung of the convolution ladder (nn/conv2d_ladder.hpp) against the
// references, forward and backward, on small awkward shapes: the forward pass
// against the seven-loop nn::detail::conv2d_direct and the gradients against
// nn::conv2d's autograd (gradchecked and held to PyTorch in conv2d_test.cpp),
// both in float64; and the rungs against each other.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "nn/conv2d.hpp"
#include "nn/conv2d_ladder.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;
using nn::Size2d;
using nn::ladder::Rung;

namespace {

struct LadderCase {
    std::int64_t batch, in_channels, out_channels, height, width;
    Size2d kernel, stride, padding;
    bool bias;
};

std::string describe(const LadderCase& c) {
    return "N=" + std::to_string(c.batch) + " C_in=" + std::to_string(c.in_channels) +
           " C_out=" + std::to_string(c.out_channels) + " HxW=" + std::to_string(c.height) + "x" +
           std::to_string(c.width) + " kernel=" + c.kernel.to_string() + " stride=" + c.stride.to_string() +
           " padding=" + c.padding.to_string() + (c.bias ? "" : " no bias");
}

// Batch 1 and 3, odd and non-square images and kernels, stride 2, 1x1 and 7x7.
const std::vector<LadderCase> cases = {
    {1, 3, 4, 7, 7, 3, 1, 1, true},
    {3, 2, 5, 9, 8, {3, 2}, {2, 1}, {1, 0}, true},     // non-square kernel, stride and padding
    {3, 4, 3, 6, 5, 1, 1, 0, true},                    // 1x1
    {1, 5, 6, 8, 10, 3, 2, 1, false},                  // stride 2, no bias
    {3, 3, 2, 11, 9, 7, 2, 3, true},                   // 7x7, stride 2, padding 3
    {1, 2, 3, 5, 4, {2, 3}, 1, {2, 1}, true},          // padding wider than half the kernel
    {3, 2, 2, 6, 7, 1, 2, 0, false},                   // 1x1 with stride: skips pixels
};

struct CaseTensors {
    Tensor input, weight, bias, grad_output;
};

CaseTensors make_tensors(const LadderCase& c, Generator& generator) {
    const std::int64_t out_height =
        nn::conv_output_size(c.height, c.kernel.height, c.stride.height, c.padding.height, 1, "test");
    const std::int64_t out_width =
        nn::conv_output_size(c.width, c.kernel.width, c.stride.width, c.padding.width, 1, "test");
    return {randn({c.batch, c.in_channels, c.height, c.width}, generator),
            randn({c.out_channels, c.in_channels, c.kernel.height, c.kernel.width}, generator),
            c.bias ? randn({c.out_channels}, generator) : Tensor(),
            randn({c.batch, c.out_channels, out_height, out_width}, generator)};
}

Tensor to_double(const Tensor& tensor) { return tensor.defined() ? tensor.to(DType::Float64) : Tensor(); }

// float32 results against float64 ones: the sums have at most a few hundred
// terms of size ~1, so float32 rounding stays far below 1e-4, while any
// misplaced index changes values by ~1.
void expect_close(const Tensor& actual, const Tensor& expected, const std::string& context) {
    ASSERT_EQ(actual.dtype(), DType::Float32) << context;
    ASSERT_EQ(actual.shape(), expected.shape()) << context;
    const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
    for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_NEAR(a[i], e[i], 1e-4 * (1.0 + std::abs(e[i]))) << context << " at element " << i;
    }
}

// y = conv2d(x, w, b) by the seven-loop reference, in float64.
Tensor reference_forward(const LadderCase& c, const CaseTensors& t) {
    return nn::detail::conv2d_direct(to_double(t.input), to_double(t.weight), to_double(t.bias), c.stride, c.padding);
}

// dx, dw, db by nn::conv2d's autograd, in float64: backward of sum(y * dy).
nn::ladder::Conv2dGradients reference_backward(const LadderCase& c, const CaseTensors& t) {
    const Tensor x = to_double(t.input).requires_grad_(), w = to_double(t.weight).requires_grad_();
    // Without a bias the ladder still returns db = sum of dy; a zero bias gives autograd's.
    const Tensor b = (t.bias.defined() ? to_double(t.bias) : zeros({c.out_channels}, DType::Float64)).requires_grad_();
    const Tensor y = nn::conv2d(x, w, b, c.stride, c.padding);
    sum(mul(y, to_double(t.grad_output))).backward();
    return {x.grad(), w.grad(), b.grad()};
}

std::string rung_name(Rung rung) { return std::string(nn::ladder::rung_info(rung).name); }

} // namespace

TEST(ConvLadder, EveryRungForwardMatchesDirectLoops) {
    Generator generator(11);
    for (const LadderCase& c : cases) {
        const CaseTensors t = make_tensors(c, generator);
        const Tensor expected = reference_forward(c, t);
        for (const auto& info : nn::ladder::rungs()) {
            const Tensor y = nn::ladder::conv2d_forward(info.rung, t.input, t.weight, t.bias, c.stride, c.padding);
            expect_close(y, expected, rung_name(info.rung) + " forward, " + describe(c));
        }
    }
}

TEST(ConvLadder, EveryRungBackwardMatchesAutograd) {
    Generator generator(12);
    for (const LadderCase& c : cases) {
        const CaseTensors t = make_tensors(c, generator);
        const nn::ladder::Conv2dGradients expected = reference_backward(c, t);
        for (const auto& info : nn::ladder::rungs()) {
            const nn::ladder::Conv2dGradients grads =
                nn::ladder::conv2d_backward(info.rung, t.input, t.weight, t.grad_output, c.stride, c.padding);
            const std::string context = rung_name(info.rung) + " backward, " + describe(c);
            expect_close(grads.input, expected.input, context + ", dx");
            expect_close(grads.weight, expected.weight, context + ", dw");
            expect_close(grads.bias, expected.bias, context + ", db");
        }
    }
}

// Every rung against the naive one, in float32, on a layer with more
// channels than the cases above (so the GEMMs have several tiles).
TEST(ConvLadder, RungsAgreeWithEachOther) {
    Generator generator(13);
    const LadderCase c{3, 16, 24, 10, 9, 3, 1, 1, true};
    const CaseTensors t = make_tensors(c, generator);
    const Tensor naive_y = nn::ladder::naive_direct_forward(t.input, t.weight, t.bias, c.stride, c.padding);
    const nn::ladder::Conv2dGradients naive_grads =
        nn::ladder::naive_direct_backward(t.input, t.weight, t.grad_output, c.stride, c.padding);
    for (const auto& info : nn::ladder::rungs()) {
        const std::string context = rung_name(info.rung) + " vs naive_direct";
        expect_close(nn::ladder::conv2d_forward(info.rung, t.input, t.weight, t.bias, c.stride, c.padding),
                     to_double(naive_y), context + ", y");
        const nn::ladder::Conv2dGradients grads =
            nn::ladder::conv2d_backward(info.rung, t.input, t.weight, t.grad_output, c.stride, c.padding);
        expect_close(grads.input, to_double(naive_grads.input), context + ", dx");
        expect_close(grads.weight, to_double(naive_grads.weight), context + ", dw");
        expect_close(grads.bias, to_double(naive_grads.bias), context + ", db");
    }
}

// The threaded rung splits the batch between threads, each with its own dw
// and db partial sums: with 2 threads and an odd batch it must still match.
TEST(ConvLadder, ThreadedRungMatchesOnTwoThreads) {
    const int previous_threads = get_num_threads();
    set_num_threads(2);
    Generator generator(14);
    const LadderCase c{5, 3, 4, 7, 6, 3, 1, 1, true};
    const CaseTensors t = make_tensors(c, generator);
    const Tensor y =
        nn::ladder::conv2d_forward(Rung::Im2colOpenBlasThreads, t.input, t.weight, t.bias, c.stride, c.padding);
    expect_close(y, reference_forward(c, t), "threaded forward");
    const nn::ladder::Conv2dGradients expected = reference_backward(c, t);
    const nn::ladder::Conv2dGradients grads =
        nn::ladder::conv2d_backward(Rung::Im2colOpenBlasThreads, t.input, t.weight, t.grad_output, c.stride, c.padding);
    expect_close(grads.input, expected.input, "threaded dx");
    expect_close(grads.weight, expected.weight, "threaded dw");
    expect_close(grads.bias, expected.bias, "threaded db");
    set_num_threads(previous_threads);
}

// A strided view is read as its values, not as its memory.
TEST(ConvLadder, AcceptsNonContiguousInput) {
    Generator generator(15);
    const Tensor wide = randn({2, 3, 6, 10}, generator);
    const Tensor input = wide.narrow(3, 2, 5); // [2, 3, 6, 5], rows 10 floats apart
    const Tensor weight = randn({4, 3, 3, 3}, generator);
    const Tensor expected = nn::detail::conv2d_direct(input.contiguous().to(DType::Float64), weight.to(DType::Float64),
                                                      Tensor(), 1, 1);
    for (const auto& info : nn::ladder::rungs()) {
        expect_close(nn::ladder::conv2d_forward(info.rung, input, weight, Tensor(), 1, 1), expected,
                     rung_name(info.rung) + " on a narrowed input");
    }
}

TEST(ConvLadder, RungNamesAreUniqueAndRoundTrip) {
    std::set<std::string> names;
    int number = 1;
    for (const auto& info : nn::ladder::rungs()) {
        EXPECT_EQ(static_cast<int>(info.rung), number++) << "rungs() must list the ladder in order";
        EXPECT_TRUE(names.insert(std::string(info.name)).second) << "duplicate name " << info.name;
        EXPECT_FALSE(info.summary.empty()) << info.name;
        EXPECT_EQ(nn::ladder::rung_from_name(info.name), info.rung);
    }
    EXPECT_EQ(names.size(), 6u);
    try {
        nn::ladder::rung_from_name("im2col_magic");
        FAIL() << "expected an exception";
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("im2col_magic"), std::string::npos) << message;
        EXPECT_NE(message.find("im2col_blocked_gemm"), std::string::npos) << message; // lists the valid names
    }
}

TEST(ConvLadder, MismatchedShapesNameBothShapes) {
    Generator generator(16);
    const Tensor input = randn({2, 3, 8, 8}, generator);
    const Tensor weight = randn({4, 5, 3, 3}, generator); // expects 5 input channels
    for (const auto& info : nn::ladder::rungs()) {
        try {
            nn::ladder::conv2d_forward(info.rung, input, weight, Tensor());
            FAIL() << info.name << ": expected an exception";
        } catch (const std::invalid_argument& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("[2, 3, 8, 8]"), std::string::npos) << message;
            EXPECT_NE(message.find("[4, 5, 3, 3]"), std::string::npos) << message;
        }
    }
    const Tensor good_weight = randn({4, 3, 3, 3}, generator);
    const Tensor wrong_grad = randn({2, 4, 7, 7}, generator); // the output is [2, 4, 6, 6]
    EXPECT_THROW(nn::ladder::conv2d_backward(Rung::Im2colBlockedGemm, input, good_weight, wrong_grad),
                 std::invalid_argument);
    EXPECT_THROW(nn::ladder::conv2d_forward(Rung::ReorderedDirect, input.to(DType::Float64), good_weight, Tensor()),
                 std::invalid_argument);
    EXPECT_THROW(nn::ladder::conv2d_forward(Rung::Im2colOpenBlas, input, good_weight, randn({3}, generator)),
                 std::invalid_argument); // bias of the wrong length
}
