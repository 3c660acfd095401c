// EXPECT_TENSOR_EQ / EXPECT_TENSOR_NEAR: when they pass, and what their
// failure messages say (checked word for word).
#include <kindling/testing.hpp>

#include <cmath>
#include <limits>

#include "failure_capture.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using kindling::testing::failures_of;

TEST(TensorAssertions, PassWhenEqualOrWithinTolerance) {
    const Tensor x = arange(0.0, 6.0).reshape({2, 3});
    EXPECT_TENSOR_EQ(x, x.clone());
    EXPECT_TENSOR_EQ(x.t(), x.t().contiguous()); // views compare by index, whatever their strides
    EXPECT_TENSOR_EQ(arange(4), from_vector(std::vector<std::int64_t>{0, 1, 2, 3}));
    EXPECT_TENSOR_EQ(scalar_tensor(2.0), scalar_tensor(2.0));
    EXPECT_TENSOR_EQ(zeros({0, 3}), zeros({0, 3}));
    // |0.1001 - 0.1| = 1e-4 <= 1e-5 + 1e-3 * 0.1
    EXPECT_TENSOR_NEAR(tensor({0.1001, 5.0}, DType::Float64), tensor({0.1, 5.0}, DType::Float64), 1e-3, 1e-5);
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_TENSOR_NEAR(tensor({inf, -inf}), tensor({inf, -inf}), 0.0, 0.0);
    ASSERT_TENSOR_NEAR(x + 1e-7, x, 0.0, 1e-6);
    ASSERT_TENSOR_EQ(x, x);
}

TEST(TensorAssertions, EqualFailureNamesCountFirstElementByIndexAndLargestDifference) {
    const Tensor expected = arange(0.0, 12.0).reshape({2, 2, 3});
    Tensor actual = expected.clone();
    actual.select(0, 1).select(0, 0).select(0, 2).fill_(9.5);  // [1, 0, 2]: 8 -> 9.5
    actual.select(0, 1).select(0, 1).select(0, 2).fill_(21.0); // [1, 1, 2]: 11 -> 21
    EXPECT_NONFATAL_FAILURE(EXPECT_TENSOR_EQ(actual, expected), "actual and expected are not equal");
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_EQ(actual, expected); }),
              "actual and expected are not equal:\n"
              "  2 of 12 elements differ\n"
              "  first at [1, 0, 2]: expected 8, got 9.5 (difference 1.5)\n"
              "  largest difference at [1, 1, 2]: expected 11, got 21 (difference 10)\n");
}

TEST(TensorAssertions, NearFailureStatesTheToleranceAndShortestValues) {
    const Tensor expected = tensor({0.1, 0.5, 2.0});
    const Tensor actual = tensor({0.1, 0.52, 2.0});
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_NEAR(actual, expected, 1e-5, 1e-8); }),
              "actual and expected are not close (|actual - expected| <= atol + rtol * |expected|, rtol 1e-05, "
              "atol 1e-08):\n"
              "  1 of 3 elements differ\n"
              "  first at [1]: expected 0.5, got 0.52 (difference 0.02)\n"
              "  largest difference at [1]: expected 0.5, got 0.52 (difference 0.02)\n");
}

TEST(TensorAssertions, MismatchedShapesOrDtypesNameBoth) {
    const Tensor a = zeros({2, 3});
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_EQ(a, zeros({3, 2})); }),
              "a and zeros({3, 2}) differ in shape: a is float32 [2, 3], zeros({3, 2}) is float32 [3, 2]\n");
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_NEAR(a, zeros({2, 3}, DType::Float64), 1e-5, 1e-5); }),
              "a and zeros({2, 3}, DType::Float64) differ in dtype: a is float32 [2, 3], "
              "zeros({2, 3}, DType::Float64) is float64 [2, 3]\n");
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_EQ(a, arange(6)); }),
              "a and arange(6) differ in shape and dtype: a is float32 [2, 3], arange(6) is int64 [6]\n");
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_EQ(Tensor(), a); }), "Tensor() is an undefined tensor\n");
}

TEST(TensorAssertions, NanIsNeverEqualAndCountsAsTheLargestDifference) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Tensor expected = tensor({1.0, 2.0, nan, 4.0}, DType::Float64);
    const Tensor actual = tensor({1.5, 2.0, nan, 9.0}, DType::Float64);
    EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_NEAR(actual, expected, 0.0, 0.1); }),
              "actual and expected are not close (|actual - expected| <= atol + rtol * |expected|, rtol 0, atol 0.1):\n"
              "  3 of 4 elements differ\n"
              "  first at [0]: expected 1, got 1.5 (difference 0.5)\n"
              "  largest difference at [2]: expected nan, got nan (difference nan)\n");
}

TEST(TensorAssertions, AssertFormsStopTheTestAndEveryFormTakesContext) {
    EXPECT_FATAL_FAILURE(ASSERT_TENSOR_EQ(tensor({1.0}), tensor({2.0})), "are not equal");
    EXPECT_FATAL_FAILURE(ASSERT_TENSOR_NEAR(tensor({1.0}), tensor({2.0}), 0.0, 0.5), "are not close");
    EXPECT_NONFATAL_FAILURE(EXPECT_TENSOR_NEAR(tensor({1.0}), tensor({2.0}), 0.0, 0.5) << "in layer 3",
                            "in layer 3");
}
