// Reductions with dims and keepdim, against plain loops, plus the fast
// kernels against the strided reference and the empty-tensor edge cases.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>
#include <limits>

#include "kindling.hpp"

using namespace kindling;
using kindling::testing::values;

namespace {


// x [2, 3, 4] with x[i][j][k] = 100 i + 10 j + k: every sum is easy to write down.
Tensor indexed_cube() {
    std::vector<double> data;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            for (int k = 0; k < 4; ++k) data.push_back(100 * i + 10 * j + k);
    return from_vector(data, {2, 3, 4});
}

} // namespace

TEST(Sum, OverEachDimWithAndWithoutKeepdim) {
    const Tensor x = indexed_cube();
    EXPECT_EQ(sum(x).item(), 12 * 100 + 8 * 10 * (0 + 1 + 2) + 6 * (0 + 1 + 2 + 3));
    const Tensor over_j = sum(x, {1});
    EXPECT_EQ(over_j.shape(), (Shape{2, 4}));
    for (int i = 0; i < 2; ++i)
        for (int k = 0; k < 4; ++k) EXPECT_EQ(over_j.at({i, k}), 3 * (100 * i + k) + 30);
    const Tensor over_ik = sum(x, {0, 2}, true);
    EXPECT_EQ(over_ik.shape(), (Shape{1, 3, 1}));
    for (int j = 0; j < 3; ++j) EXPECT_EQ(over_ik.at({0, j, 0}), 4 * 100 + 8 * 10 * j + 2 * 6);
    EXPECT_EQ(sum(x, {-1}).shape(), (Shape{2, 3}));
    EXPECT_EQ(sum(x, {2, 2, -1}).shape(), (Shape{2, 3})); // duplicates name one dim
    EXPECT_THROW(sum(x, {3}), std::out_of_range);
}

// The blocked kernel (contiguous input, consecutive dims, or a trailing run
// then the rest) against the strided one (the same numbers in another
// layout), for every kind of choice of dims.
TEST(Sum, FastKernelMatchesStridedReference) {
    Generator generator(5);
    const Tensor x = randn({3, 4, 5, 6}, generator, DType::Float64);
    const Tensor scrambled = x.permute({3, 1, 0, 2}).contiguous().permute({2, 1, 3, 0}); // same values, other strides
    ASSERT_FALSE(scrambled.is_contiguous());
    const std::vector<std::vector<std::int64_t>> dim_sets = {{0}, {1}, {2}, {3}, {0, 1}, {1, 2}, {2, 3},
                                                             {0, 1, 2}, {1, 2, 3}, {}, {0, 2}, {0, 2, 3},
                                                             {0, 3}, {1, 3}, {0, 1, 3}};
    for (const auto& dims : dim_sets) {
        const std::vector<double> fast = values(sum(x, dims, true));
        const std::vector<double> reference = values(sum(scrambled, dims, true));
        ASSERT_EQ(fast.size(), reference.size());
        for (std::size_t i = 0; i < fast.size(); ++i) EXPECT_NEAR(fast[i], reference[i], 1e-12);
    }
}

TEST(Sum, Float32AccumulatesInDouble) {
    const Tensor x = full({1 << 20}, 0.1);
    EXPECT_NEAR(sum(x).item(), 0.1f * double(1 << 20), 1e-2); // float accumulation would be ~1e2 off
}

TEST(Sum, OfEmptyTensorsIsZero) {
    EXPECT_EQ(sum(zeros({0})).item(), 0.0);
    EXPECT_EQ(values(sum(zeros({0, 3}), {0})), (std::vector<double>{0, 0, 0}));
    EXPECT_EQ(sum(zeros({3, 0}), {0}).shape(), (Shape{0}));
    EXPECT_EQ(sum(scalar_tensor(4.0)).item(), 4.0);
}

TEST(Sum, OfZeroDimTensorAcceptsDimZero) {
    const Tensor x = scalar_tensor(2.5, DType::Float64);
    EXPECT_EQ(sum(x, {0}).shape(), (Shape{}));
    EXPECT_EQ(sum(x, {-1}, true).item(), 2.5);
    EXPECT_EQ(logsumexp(x, 0).item(), 2.5);
    EXPECT_THROW(sum(x, {1}), std::out_of_range);
}

TEST(SumTo, ReducesBroadcastDims) {
    const Tensor g = ones({4, 2, 3});
    const Tensor reduced = sum_to(g, {2, 1});
    EXPECT_EQ(reduced.shape(), (Shape{2, 1}));
    EXPECT_EQ(values(reduced), (std::vector<double>{12, 12}));
    EXPECT_EQ(sum_to(g, {}).item(), 24.0);
    EXPECT_EQ(values(sum_to(g, {1, 3})), (std::vector<double>{8, 8, 8}));
    EXPECT_EQ(sum_to(zeros({0, 3}), {1, 3}).shape(), (Shape{1, 3}));
    EXPECT_THROW(sum_to(g, {3, 3}), std::invalid_argument);
}

TEST(Mean, AndVarMatchHandComputation) {
    const Tensor x = tensor({{1.0, 2.0, 3.0, 4.0}, {2.0, 4.0, 6.0, 8.0}}, DType::Float64);
    EXPECT_EQ(values(mean(x, {1})), (std::vector<double>{2.5, 5.0}));
    EXPECT_EQ(mean(x).item(), 3.75);
    EXPECT_DOUBLE_EQ(var(x, {1}).at({0}), 5.0 / 3.0); // sum of squares 5, / (n - 1)
    EXPECT_DOUBLE_EQ(var(x, {1}, false).at({1}), 5.0); // sum of squares 20, / n
    EXPECT_EQ(var(x, {0}, true, true).shape(), (Shape{1, 4}));
    EXPECT_DOUBLE_EQ(var(x, {}).item(), values(var(x.reshape({-1}), {0}))[0]);
}

TEST(Max, ValuesAndIndicesAlongADim) {
    const Tensor x = tensor({{1.0, 7.0, 7.0}, {9.0, -2.0, 3.0}});
    const auto [values_dim1, indices_dim1] = max(x, 1);
    EXPECT_EQ(values(values_dim1), (std::vector<double>{7, 9}));
    EXPECT_EQ(indices_dim1.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0})); // first on ties
    EXPECT_EQ(indices_dim1.dtype(), DType::Int64);
    const auto [values_dim0, indices_dim0] = min(x, 0, true);
    EXPECT_EQ(values_dim0.shape(), (Shape{1, 3}));
    EXPECT_EQ(values(values_dim0), (std::vector<double>{1, -2, 3}));
    EXPECT_EQ(indices_dim0.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 1}));
    EXPECT_EQ(max(x).item(), 9.0);
    EXPECT_EQ(min(x).item(), -2.0);
    EXPECT_EQ(argmax(x, 0).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 0}));
    EXPECT_EQ(argmin(x, -1, true).shape(), (Shape{2, 1}));
}

TEST(Max, PropagatesNaNAndRejectsEmpty) {
    const Tensor x = tensor({1.0, NAN, 3.0});
    EXPECT_TRUE(std::isnan(max(x).item()));
    EXPECT_EQ(argmax(x, 0).item(), 1.0);
    EXPECT_THROW(max(zeros({0})), std::invalid_argument);
    EXPECT_THROW(max(zeros({2, 0}), 1), std::invalid_argument);
    EXPECT_EQ(max(zeros({0, 2}), 1).first.shape(), (Shape{0})); // nothing to reduce per row: fine
}

TEST(Logsumexp, IsStableAndMatchesDefinition) {
    const Tensor x = tensor({{1.0, 2.0, 3.0}, {1000.0, 1000.0, -INFINITY}}, DType::Float64);
    const Tensor out = logsumexp(x, 1);
    EXPECT_DOUBLE_EQ(out.at({0}), std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
    EXPECT_DOUBLE_EQ(out.at({1}), 1000.0 + std::log(2.0)); // naive exp(1000) overflows
    const Tensor all_minus_infinity = full({1, 2}, -INFINITY, DType::Float64);
    EXPECT_EQ(logsumexp(all_minus_infinity, 1).item(), -INFINITY);
    EXPECT_EQ(logsumexp(x, 0, true).shape(), (Shape{1, 3}));
}
