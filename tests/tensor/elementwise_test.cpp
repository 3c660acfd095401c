// Element-wise ops: values, broadcasting, fast paths against the strided
// reference loop, comparisons, where, and the int64 paths.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>

#include "kindling.hpp"

using namespace kindling;
using kindling::testing::values;

namespace {


using UnaryOp = Tensor (*)(const Tensor&);
using BinaryOp = Tensor (*)(const Tensor&, const Tensor&);

// A 2-D tensor's numbers stored column-major: ops on it take the strided
// reference loop instead of a contiguous fast path.
Tensor strided_copy(const Tensor& matrix) { return matrix.t().contiguous().t(); }

} // namespace

TEST(Broadcast, ShapesFollowNumpyRules) {
    EXPECT_EQ(broadcast_shapes({4, 1, 3}, {2, 1}, "test"), (Shape{4, 2, 3}));
    EXPECT_EQ(broadcast_shapes({}, {2, 3}, "test"), (Shape{2, 3}));
    EXPECT_EQ(broadcast_shapes({0, 1}, {1, 5}, "test"), (Shape{0, 5}));
    EXPECT_THROW(broadcast_shapes({2, 3}, {4}, "test"), std::invalid_argument);
}

TEST(Broadcast, AddMatchesNestedLoops) {
    Generator generator(1);
    Tensor a = randn({4, 1, 3}, generator, DType::Float64);
    Tensor b = randn({2, 1}, generator, DType::Float64);
    Tensor out = a + b;
    ASSERT_EQ(out.shape(), (Shape{4, 2, 3}));
    for (std::int64_t i = 0; i < 4; ++i)
        for (std::int64_t j = 0; j < 2; ++j)
            for (std::int64_t k = 0; k < 3; ++k) EXPECT_EQ(out.at({i, j, k}), a.at({i, 0, k}) + b.at({j, 0}));
}

TEST(Broadcast, ErrorNamesOpAndBothShapes) {
    try {
        mul(zeros({2, 3}), zeros({4}));
        FAIL() << "mul of [2, 3] and [4] must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "mul: shapes [2, 3] and [4] cannot be broadcast together");
    }
}

TEST(Elementwise, DtypeMismatchThrowsNamingBothDtypes) {
    try {
        add(zeros({2}), zeros({2}, DType::Float64));
        FAIL() << "add of float32 and float64 must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "add: dtype mismatch: float32 [2] and float64 [2]");
    }
}

// Every fast path of map_binary (same shape, scalar on either side, trailing
// tile on either side) must agree with the strided loop bit for bit.
TEST(Elementwise, FastPathsMatchStridedReference) {
    Generator generator(2);
    const Tensor matrix = randn({5, 4}, generator);
    const std::vector<std::pair<Tensor, Tensor>> operand_pairs = {
        {matrix, randn({5, 4}, generator)}, // same shape
        {matrix, randn({}, generator)},     // scalar right
        {randn({1}, generator), matrix},    // scalar left
        {matrix, randn({4}, generator)},    // bias-like tile right
        {randn({1, 4}, generator), matrix}, // tile left
        {matrix, randn({5, 1}, generator)}, // column broadcast: strided only
    };
    for (const auto& [a, b] : operand_pairs) {
        for (BinaryOp op : {BinaryOp(&kindling::sub), BinaryOp(&kindling::mul), BinaryOp(&kindling::div)}) {
            const Tensor fast = op(a, b);
            const Tensor reference = op(a.dim() == 2 ? strided_copy(a) : a, b.dim() == 2 ? strided_copy(b) : b);
            EXPECT_EQ(values(fast), values(reference)) << shape_to_string(a.shape()) << " with "
                                                       << shape_to_string(b.shape());
        }
    }
}

TEST(Elementwise, UnaryOnStridedViewsMatchesContiguous) {
    Generator generator(3);
    const Tensor x = randn({6, 5}, generator);
    const Tensor positive = rand({6, 5}, generator) + 0.5;
    for (UnaryOp op : {UnaryOp(&kindling::neg), UnaryOp(&kindling::exp), UnaryOp(&kindling::sigmoid),
                       UnaryOp(&kindling::tanh), UnaryOp(&kindling::relu), UnaryOp(&kindling::abs)}) {
        EXPECT_EQ(values(op(x.t())), values(op(x.t().contiguous())));
    }
    EXPECT_EQ(values(log(positive.t())), values(log(positive.t().contiguous())));
    EXPECT_EQ(values(sqrt(positive.t())), values(sqrt(positive.t().contiguous())));
}

TEST(Elementwise, UnaryValues) {
    const Tensor x = tensor({-2.0, -0.5, 0.0, 1.5}, DType::Float64);
    EXPECT_EQ(values(neg(x)), (std::vector<double>{2.0, 0.5, -0.0, -1.5}));
    EXPECT_EQ(values(abs(x)), (std::vector<double>{2.0, 0.5, 0.0, 1.5}));
    EXPECT_EQ(values(relu(x)), (std::vector<double>{0.0, 0.0, 0.0, 1.5}));
    EXPECT_EQ(values(clamp(x, -1.0, 1.0)), (std::vector<double>{-1.0, -0.5, 0.0, 1.0}));
    EXPECT_EQ(values(pow(x, 2.0)), (std::vector<double>{4.0, 0.25, 0.0, 2.25}));
    EXPECT_DOUBLE_EQ(sigmoid(x).at({3}), 1.0 / (1.0 + std::exp(-1.5)));
    EXPECT_DOUBLE_EQ(tanh(x).at({0}), std::tanh(-2.0));
    EXPECT_DOUBLE_EQ(exp(x).at({1}), std::exp(-0.5));
    EXPECT_THROW(clamp(x, 1.0, -1.0), std::invalid_argument);
}

TEST(Elementwise, SigmoidIsStableForLargeMagnitudes) {
    const Tensor x = tensor({-1000.0, 1000.0});
    EXPECT_EQ(values(sigmoid(x)), (std::vector<double>{0.0, 1.0}));
}

TEST(Elementwise, ScalarOperatorsOnBothSides) {
    const Tensor x = tensor({1.0, 2.0, 4.0});
    EXPECT_EQ(values(x * 2.0), (std::vector<double>{2, 4, 8}));
    EXPECT_EQ(values(2.0 - x), (std::vector<double>{1, 0, -2}));
    EXPECT_EQ(values(8.0 / x), (std::vector<double>{8, 4, 2}));
    EXPECT_EQ(values(x + 1.0), (std::vector<double>{2, 3, 5}));
    EXPECT_EQ(values(-x), (std::vector<double>{-1, -2, -4}));
}

TEST(Elementwise, PowWithTensorExponentBroadcasts) {
    const Tensor base = tensor({{1.0, 2.0}, {3.0, 4.0}}, DType::Float64);
    const Tensor exponent = tensor({2.0, 0.5}, DType::Float64);
    EXPECT_EQ(values(pow(base, exponent)), (std::vector<double>{1.0, std::sqrt(2.0), 9.0, 2.0}));
}

TEST(Elementwise, MaximumAndMinimum) {
    const Tensor a = tensor({1.0, 5.0, 3.0});
    const Tensor b = tensor({4.0, 2.0, 3.0});
    EXPECT_EQ(values(maximum(a, b)), (std::vector<double>{4, 5, 3}));
    EXPECT_EQ(values(minimum(a, b)), (std::vector<double>{1, 2, 3}));
}

TEST(Comparison, GivesMasksInTheInputDtype) {
    const Tensor a = tensor({1.0, 2.0, 3.0});
    const Tensor b = tensor({2.0});
    EXPECT_EQ(values(lt(a, b)), (std::vector<double>{1, 0, 0}));
    EXPECT_EQ(values(le(a, b)), (std::vector<double>{1, 1, 0}));
    EXPECT_EQ(values(gt(a, b)), (std::vector<double>{0, 0, 1}));
    EXPECT_EQ(values(ge(a, b)), (std::vector<double>{0, 1, 1}));
    EXPECT_EQ(values(eq(a, b)), (std::vector<double>{0, 1, 0}));
    EXPECT_EQ(values(ne(a, b)), (std::vector<double>{1, 0, 1}));
    EXPECT_EQ(gt(a, b).dtype(), DType::Float32);
}

TEST(Where, BroadcastsAllThreeArguments) {
    const Tensor condition = from_vector(std::vector<float>{1, 0}, {2, 1});
    const Tensor a = tensor({10.0, 20.0, 30.0}); // [3]
    const Tensor b = scalar_tensor(-1.0);        // []
    const Tensor out = where(condition, a, b);
    EXPECT_EQ(out.shape(), (Shape{2, 3}));
    EXPECT_EQ(values(out), (std::vector<double>{10, 20, 30, -1, -1, -1}));
    const Tensor int_condition = from_vector(std::vector<std::int64_t>{0, 1, 0});
    EXPECT_EQ(values(where(int_condition, a, b)), (std::vector<double>{-1, 20, -1}));
    EXPECT_THROW(where(condition, a, zeros({2}, DType::Float32)), std::invalid_argument);
}

TEST(Int64, ArithmeticStaysExact) {
    const Tensor labels = from_vector(std::vector<std::int64_t>{3, -1, 7});
    EXPECT_EQ((labels + labels).to_vector<std::int64_t>(), (std::vector<std::int64_t>{6, -2, 14}));
    EXPECT_EQ((labels * 3.0).dtype(), DType::Int64);
    EXPECT_EQ((labels * 3.0).to_vector<std::int64_t>(), (std::vector<std::int64_t>{9, -3, 21}));
    EXPECT_EQ(sum(labels).to_vector<std::int64_t>(), (std::vector<std::int64_t>{9}));
    EXPECT_EQ(abs(labels).to_vector<std::int64_t>(), (std::vector<std::int64_t>{3, 1, 7}));
    EXPECT_EQ(eq(labels, from_vector(std::vector<std::int64_t>{3, 0, 7})).to_vector<std::int64_t>(),
              (std::vector<std::int64_t>{1, 0, 1}));
}

TEST(Int64, DivisionAndFractionalScalarsPromoteToFloat32) {
    const Tensor a = from_vector(std::vector<std::int64_t>{7, 1, -3});
    const Tensor b = from_vector(std::vector<std::int64_t>{2, 0, 2});
    const Tensor quotient = div(a, b); // 1 / 0 is inf, not SIGFPE
    EXPECT_EQ(quotient.dtype(), DType::Float32);
    EXPECT_EQ(values(quotient), (std::vector<double>{3.5, INFINITY, -1.5}));
    EXPECT_EQ((a * 0.5).dtype(), DType::Float32);
    EXPECT_EQ(values(a * 0.5), (std::vector<double>{3.5, 0.5, -1.5}));
}

TEST(Int64, FloatOnlyOpsThrowNamingTheOp) {
    const Tensor labels = from_vector(std::vector<std::int64_t>{1, 2});
    try {
        exp(labels);
        FAIL() << "exp of int64 must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "exp: expected a float32 or float64 tensor, got int64");
    }
    EXPECT_THROW(mean(labels), std::invalid_argument);
    EXPECT_THROW(matmul(labels, labels), std::invalid_argument);
    EXPECT_THROW(Tensor(labels).requires_grad_(), std::invalid_argument);
}

TEST(Dtype, ConversionRoundTrips) {
    const Tensor x = tensor({1.5, -2.25}, DType::Float64);
    EXPECT_EQ(x.to(DType::Float32).dtype(), DType::Float32);
    EXPECT_EQ(values(x.to(DType::Float32).to(DType::Float64)), values(x));
    EXPECT_EQ(x.to(DType::Int64).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, -2}));
    EXPECT_THROW(x.data<float>(), std::invalid_argument);
}

TEST(InPlace, UpdatesBroadcastAndGuardAutograd) {
    Tensor x = zeros({2, 3});
    x.copy_(tensor({1.0, 2.0, 3.0}));
    x.add_(ones({3}), 2.0);
    x.mul_(0.5);
    EXPECT_EQ(values(x), (std::vector<double>{1.5, 2, 2.5, 1.5, 2, 2.5}));
    EXPECT_THROW(x.copy_(zeros({4})), std::invalid_argument);
    Tensor leaf = ones({2}, DType::Float64).requires_grad_();
    EXPECT_THROW(leaf.fill_(0.0), std::runtime_error);
    autograd::NoGradGuard no_grad;
    leaf.fill_(0.0); // allowed: what optimizers do
    EXPECT_EQ(values(leaf), (std::vector<double>{0, 0}));
}
