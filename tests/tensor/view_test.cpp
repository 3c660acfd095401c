// Views share storage and differ only in shape, strides and offset; these
// tests pin down each view's layout and what writing through it does.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include "kindling.hpp"

using namespace kindling;
using kindling::testing::values;

namespace {


} // namespace

TEST(View, SharesStorage) {
    Tensor base = arange(0.0, 6.0, 1.0, DType::Float32);
    Tensor matrix = base.view({2, 3});
    EXPECT_TRUE(matrix.shares_storage_with(base));
    EXPECT_EQ(matrix.strides(), (Shape{3, 1}));
    matrix.select(1, 2).fill_(-1.0); // writes through the view land in the base
    EXPECT_EQ(values(base), (std::vector<double>{0, 1, -1, 3, 4, -1}));
}

TEST(View, InfersOneMinusOneDim) {
    Tensor x = zeros({2, 3, 4});
    EXPECT_EQ(x.view({-1, 4}).shape(), (Shape{6, 4}));
    EXPECT_EQ(x.view({2, -1}).shape(), (Shape{2, 12}));
    EXPECT_THROW(x.view({-1, -1}), std::invalid_argument);
    EXPECT_THROW(x.view({5, -1}), std::invalid_argument);
}

TEST(View, RejectsNonContiguousAndReshapeCopies) {
    Tensor x = arange(0.0, 6.0, 1.0, DType::Float64).view({2, 3});
    Tensor transposed = x.t();
    EXPECT_FALSE(transposed.is_contiguous());
    EXPECT_THROW(transposed.view({6}), std::invalid_argument);
    Tensor flat = transposed.reshape({6});
    EXPECT_FALSE(flat.shares_storage_with(x));
    EXPECT_EQ(values(flat), (std::vector<double>{0, 3, 1, 4, 2, 5}));
    EXPECT_TRUE(x.reshape({3, 2}).shares_storage_with(x)); // contiguous: a view, no copy
}

TEST(View, ReshapeErrorNamesBothShapes) {
    Tensor x = zeros({2, 3});
    try {
        x.reshape({4, 2});
        FAIL() << "reshape to a wrong element count must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("[4, 2]"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("[2, 3]"), std::string::npos) << error.what();
    }
}

TEST(Transpose, SwapsStridesWithoutCopy) {
    Tensor x = arange(0.0, 24.0, 1.0, DType::Float32).view({2, 3, 4});
    Tensor y = x.transpose(0, 2);
    EXPECT_EQ(y.shape(), (Shape{4, 3, 2}));
    EXPECT_EQ(y.strides(), (Shape{1, 4, 12}));
    EXPECT_TRUE(y.shares_storage_with(x));
    EXPECT_EQ(y.at({3, 1, 1}), x.at({1, 1, 3}));
    EXPECT_THROW(x.transpose(0, 3), std::out_of_range);
}

TEST(Permute, MatchesNestedIndexing) {
    Tensor x = arange(0.0, 24.0, 1.0, DType::Float64).view({2, 3, 4});
    Tensor y = x.permute({2, 0, 1});
    EXPECT_EQ(y.shape(), (Shape{4, 2, 3}));
    for (std::int64_t i = 0; i < 2; ++i)
        for (std::int64_t j = 0; j < 3; ++j)
            for (std::int64_t k = 0; k < 4; ++k) EXPECT_EQ(y.at({k, i, j}), x.at({i, j, k}));
    EXPECT_THROW(x.permute({0, 0, 1}), std::invalid_argument);
    EXPECT_THROW(x.permute({0, 1}), std::invalid_argument);
}

TEST(Slice, StepsAndNegativeBounds) {
    Tensor x = arange(0.0, 10.0, 1.0, DType::Float64);
    EXPECT_EQ(values(x.slice(0, 1, 10, 3)), (std::vector<double>{1, 4, 7}));
    EXPECT_EQ(values(x.slice(0, -3, 10)), (std::vector<double>{7, 8, 9}));
    EXPECT_EQ(values(x.slice(0, 2, 100, 4)), (std::vector<double>{2, 6})); // end clamps like Python
    EXPECT_EQ(x.slice(0, 5, 2).numel(), 0);                                 // empty, not an error
    EXPECT_THROW(x.slice(0, 0, 5, 0), std::invalid_argument);
    EXPECT_THROW(x.slice(0, 0, 5, -1), std::invalid_argument);
}

TEST(Slice, StepViewOfAStepView) {
    Tensor x = arange(0.0, 20.0, 1.0, DType::Float64).view({4, 5});
    Tensor y = x.slice(1, 0, 5, 2).slice(0, 1, 4, 2); // rows 1, 3; cols 0, 2, 4
    EXPECT_EQ(y.shape(), (Shape{2, 3}));
    EXPECT_TRUE(y.shares_storage_with(x));
    EXPECT_EQ(values(y), (std::vector<double>{5, 7, 9, 15, 17, 19}));
    EXPECT_EQ(values(y.contiguous()), values(y));
}

TEST(Narrow, AndSelectCheckRanges) {
    Tensor x = arange(0.0, 12.0, 1.0, DType::Float64).view({3, 4});
    EXPECT_EQ(values(x.narrow(1, 1, 2)), (std::vector<double>{1, 2, 5, 6, 9, 10}));
    EXPECT_EQ(values(x.select(0, -1)), (std::vector<double>{8, 9, 10, 11}));
    EXPECT_THROW(x.narrow(1, 3, 2), std::out_of_range);
    EXPECT_THROW(x.narrow(1, 0, -1), std::out_of_range);
    EXPECT_THROW(x.select(0, 3), std::out_of_range);
    EXPECT_THROW(x.select(0, -4), std::out_of_range);
    EXPECT_THROW(x.at({3, 0}), std::out_of_range);
    EXPECT_THROW(x.size(2), std::out_of_range);
}

TEST(Expand, BroadcastsWithStrideZero) {
    Tensor row = tensor({1, 2, 3});
    Tensor grid = row.expand({4, 3});
    EXPECT_EQ(grid.strides(), (Shape{0, 1}));
    EXPECT_TRUE(grid.shares_storage_with(row));
    EXPECT_EQ(grid.at({3, 2}), 3.0);
    EXPECT_EQ(row.view({3, 1}).expand({-1, 2}).shape(), (Shape{3, 2}));
    EXPECT_THROW(row.expand({4, 2}), std::invalid_argument);
    EXPECT_THROW(row.expand({3}).expand({-1, 3}), std::invalid_argument); // -1 on a new dim
}

TEST(Expand, ToZeroSizeDims) {
    Tensor x = ones({1, 3});
    Tensor empty_rows = x.expand({0, 3});
    EXPECT_EQ(empty_rows.numel(), 0);
    EXPECT_TRUE(empty_rows.is_contiguous());
    EXPECT_EQ(empty_rows.contiguous().shape(), (Shape{0, 3}));
    EXPECT_EQ(sum(empty_rows, {0}).to_vector<float>(), (std::vector<float>{0, 0, 0}));
    EXPECT_THROW(zeros({0, 3}).expand({2, 3}), std::invalid_argument);
}

TEST(Squeeze, AndUnsqueezeAreViews) {
    Tensor x = zeros({2, 1, 3, 1});
    EXPECT_EQ(x.squeeze().shape(), (Shape{2, 3}));
    EXPECT_EQ(x.squeeze(1).shape(), (Shape{2, 3, 1}));
    EXPECT_EQ(x.squeeze(0).shape(), x.shape()); // size 2: unchanged, like PyTorch
    EXPECT_EQ(x.unsqueeze(0).shape(), (Shape{1, 2, 1, 3, 1}));
    EXPECT_EQ(x.unsqueeze(-1).shape(), (Shape{2, 1, 3, 1, 1}));
    EXPECT_THROW(x.unsqueeze(6), std::out_of_range);
    Tensor transposed = zeros({3, 1, 2}).transpose(0, 2); // non-contiguous [2, 1, 3]
    EXPECT_TRUE(transposed.squeeze().shares_storage_with(transposed));
}

TEST(Flatten, MergesARangeOfDims) {
    Tensor x = zeros({2, 3, 4, 5});
    EXPECT_EQ(x.flatten().shape(), (Shape{120}));
    EXPECT_EQ(x.flatten(1).shape(), (Shape{2, 60}));
    EXPECT_EQ(x.flatten(1, 2).shape(), (Shape{2, 12, 5}));
    EXPECT_EQ(scalar_tensor(3.0).flatten().shape(), (Shape{1}));
}

TEST(Contiguous, CopiesOnlyWhenNeeded) {
    Tensor x = arange(0.0, 6.0, 1.0, DType::Float32).view({2, 3});
    EXPECT_TRUE(x.contiguous().shares_storage_with(x));
    Tensor copy = x.t().contiguous();
    EXPECT_FALSE(copy.shares_storage_with(x));
    EXPECT_TRUE(copy.is_contiguous());
    EXPECT_EQ(values(copy), (std::vector<double>{0, 3, 1, 4, 2, 5}));
}

TEST(Clone, IsADeepCopy) {
    Tensor x = ones({3});
    Tensor y = x.clone();
    y.fill_(5.0);
    EXPECT_EQ(values(x), (std::vector<double>{1, 1, 1}));
}

TEST(Detach, SharesDataButNotTheGraph) {
    Tensor x = ones({2}, DType::Float64).requires_grad_();
    Tensor y = (x * 2.0).detach();
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
    EXPECT_EQ(y.grad_fn(), nullptr);
}
