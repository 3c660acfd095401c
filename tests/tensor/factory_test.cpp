// Factories: constant fills, ranges, C++ data, seeded random numbers, and
// the checks on sizes they all share.
#include <gtest/gtest.h>

#include <cmath>

#include "kindling.hpp"

using namespace kindling;

TEST(Factory, ConstantFills) {
    EXPECT_EQ(zeros({2, 3}).to_vector<float>(), std::vector<float>(6, 0.0f));
    EXPECT_EQ(ones({4}, DType::Int64).to_vector<std::int64_t>(), std::vector<std::int64_t>(4, 1));
    EXPECT_EQ(full({2}, 2.5, DType::Float64).to_vector<double>(), (std::vector<double>{2.5, 2.5}));
    EXPECT_EQ(full_like(ones({3}, DType::Float64), 7.0).dtype(), DType::Float64);
    EXPECT_EQ(scalar_tensor(3.0).dim(), 0);
    EXPECT_EQ(scalar_tensor(3.0).numel(), 1);
    EXPECT_EQ(zeros({0, 5}).numel(), 0);
}

TEST(Factory, NegativeSizesThrow) {
    try {
        zeros({2, -1});
        FAIL() << "a negative size must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "full: negative size in shape [2, -1]");
    }
    EXPECT_THROW(empty({-3}), std::invalid_argument);
    EXPECT_THROW(from_vector(std::vector<float>{}, {-1}), std::invalid_argument);
}

TEST(Factory, ArangeLikeTorch) {
    EXPECT_EQ(arange(5).to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(arange(5).dtype(), DType::Int64);
    EXPECT_EQ(arange(1.0, 2.0, 0.25).to_vector<float>(), (std::vector<float>{1.0f, 1.25f, 1.5f, 1.75f}));
    EXPECT_EQ(arange(3.0, 0.0, -1.0).to_vector<float>(), (std::vector<float>{3, 2, 1}));
    EXPECT_EQ(arange(3.0, 0.0, 1.0).numel(), 0);
    EXPECT_THROW(arange(0.0, 1.0, 0.0), std::invalid_argument);
}

TEST(Factory, FromVectorAndInitializerLists) {
    const Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
    EXPECT_EQ(x.dtype(), DType::Float64);
    EXPECT_EQ(x.at({1, 0}), 4.0);
    EXPECT_THROW(from_vector(std::vector<float>{1, 2, 3}, {2, 2}), std::invalid_argument);
    const Tensor rows = tensor({{1, 2}, {3, 4}, {5, 6}});
    EXPECT_EQ(rows.shape(), (Shape{3, 2}));
    EXPECT_EQ(rows.dtype(), DType::Float32);
    EXPECT_EQ(tensor({1, 2}, DType::Int64).dtype(), DType::Int64);
    EXPECT_THROW(tensor({{1, 2}, {3}}), std::invalid_argument);
}

TEST(Random, SameSeedSameNumbers) {
    Generator first(42), second(42), other(43);
    const Tensor a = randn({100}, first);
    const Tensor b = randn({100}, second);
    EXPECT_EQ(a.to_vector<float>(), b.to_vector<float>());
    EXPECT_NE(a.to_vector<float>(), randn({100}, other).to_vector<float>());
    first.manual_seed(42);
    EXPECT_EQ(randn({100}, first).to_vector<float>(), a.to_vector<float>());
}

TEST(Random, DistributionsHaveTheRightMoments) {
    Generator generator(11);
    const Tensor uniform = rand({20000}, generator, DType::Float64);
    EXPECT_GE(min(uniform).item(), 0.0);
    EXPECT_LT(max(uniform).item(), 1.0);
    EXPECT_NEAR(mean(uniform).item(), 0.5, 0.01);
    const Tensor normal = randn({20000}, generator, DType::Float64);
    EXPECT_NEAR(mean(normal).item(), 0.0, 0.03);
    EXPECT_NEAR(var(normal, {0}).item(), 1.0, 0.05);
    const Tensor integers = randint(-2, 3, {5000}, generator);
    EXPECT_EQ(min(integers).item(), -2.0);
    EXPECT_EQ(max(integers).item(), 2.0);
    EXPECT_THROW(randint(3, 3, {1}, generator), std::invalid_argument);
}

TEST(Random, RandpermIsAPermutation) {
    Generator generator(12);
    std::vector<std::int64_t> permutation = randperm(50, generator).to_vector<std::int64_t>();
    std::sort(permutation.begin(), permutation.end());
    EXPECT_EQ(permutation, arange(50).to_vector<std::int64_t>());
    EXPECT_EQ(randperm(0, generator).numel(), 0);
}

TEST(Random, FillsViewsInRowMajorOrder) {
    Generator first(13), second(13);
    Tensor transposed = zeros({3, 4}).t();
    uniform_(transposed, -1.0, 1.0, first);
    Tensor plain = zeros({4, 3});
    uniform_(plain, -1.0, 1.0, second);
    EXPECT_EQ(transposed.to_vector<float>(), plain.to_vector<float>()); // layout never changes the numbers
}
