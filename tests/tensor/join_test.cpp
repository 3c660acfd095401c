// cat, stack, gather and index_select: values, empty pieces and errors.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include "kindling.hpp"

using namespace kindling;
using kindling::testing::values;

namespace {


} // namespace

TEST(Cat, JoinsAlongAnyDim) {
    const Tensor a = tensor({{1, 2}, {3, 4}});
    const Tensor b = tensor({{5, 6}});
    EXPECT_EQ(values(cat({a, b}, 0)), (std::vector<double>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(values(cat({a, b.t()}, -1)), (std::vector<double>{1, 2, 5, 3, 4, 6}));
    EXPECT_EQ(cat({a, zeros({0, 2}), b}, 0).shape(), (Shape{3, 2})); // an empty piece is fine
}

TEST(Cat, ErrorsNameShapes) {
    try {
        cat({zeros({2, 3}), zeros({2, 4})}, 0);
        FAIL() << "cat of [2, 3] and [2, 4] along 0 must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "cat: shapes [2, 3] (float32) and [2, 4] (float32) differ outside dim 0");
    }
    EXPECT_THROW(cat({}, 0), std::invalid_argument);
    EXPECT_THROW(cat({zeros({2}), zeros({2}, DType::Float64)}), std::invalid_argument);
    EXPECT_THROW(cat({scalar_tensor(1.0), scalar_tensor(2.0)}), std::invalid_argument);
    EXPECT_THROW(cat({zeros({2})}, 1), std::out_of_range);
}

TEST(Stack, AddsANewDim) {
    const Tensor a = tensor({1, 2, 3});
    const Tensor b = tensor({4, 5, 6});
    EXPECT_EQ(stack({a, b}).shape(), (Shape{2, 3}));
    EXPECT_EQ(values(stack({a, b}, 1)), (std::vector<double>{1, 4, 2, 5, 3, 6}));
    EXPECT_EQ(values(stack({scalar_tensor(7.0), scalar_tensor(8.0)})), (std::vector<double>{7, 8}));
    EXPECT_THROW(stack({a, tensor({1, 2})}), std::invalid_argument);
}

TEST(Gather, PicksAlongADim) {
    const Tensor x = tensor({{10, 11, 12}, {20, 21, 22}});
    const Tensor index = from_vector(std::vector<std::int64_t>{2, 0, 1, 1}, {2, 2});
    EXPECT_EQ(values(gather(x, 1, index)), (std::vector<double>{12, 10, 21, 21}));
    EXPECT_THROW(gather(x, 1, from_vector(std::vector<std::int64_t>{3}, {1, 1})), std::out_of_range);
    EXPECT_THROW(gather(x, 1, from_vector(std::vector<std::int64_t>{-1}, {1, 1})), std::out_of_range);
    EXPECT_THROW(gather(x, 1, zeros({2, 1})), std::invalid_argument); // a float index
}

TEST(IndexSelect, PicksRows) {
    const Tensor x = tensor({{1, 2}, {3, 4}, {5, 6}});
    const Tensor rows = from_vector(std::vector<std::int64_t>{2, 0, 2});
    EXPECT_EQ(values(index_select(x, 0, rows)), (std::vector<double>{5, 6, 1, 2, 5, 6}));
    EXPECT_EQ(values(index_select(x, 1, from_vector(std::vector<std::int64_t>{1}))), (std::vector<double>{2, 4, 6}));
    EXPECT_THROW(index_select(x, 0, from_vector(std::vector<std::int64_t>{3})), std::out_of_range);
}
