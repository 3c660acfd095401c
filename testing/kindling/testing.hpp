// GoogleTest assertions for the tests of your own layers and ops. Installed
// with Kindling; in CMake, `target_link_libraries(tests PRIVATE kindling::testing)`
// (it brings kindling::kindling and GoogleTest with it).
//
//   #include <kindling/testing.hpp>
//
//   EXPECT_GRADCHECK(function, inputs[, options]);     // autograd::gradcheck passes, and
//                                                      // no input's gradient is all zero
//   EXPECT_TENSOR_EQ(actual, expected);                // same shape, dtype and values
//   EXPECT_TENSOR_NEAR(actual, expected, rtol, atol);  // |actual - expected| <= atol + rtol * |expected|
//                                                      // everywhere (torch.isclose)
//
// Each has an ASSERT_ form that stops the test, and takes `<< "context"`. A
// failure says what differs: the shapes and dtypes when they do, else how many
// elements fail, the first by its index, expected vs got, and the largest
// difference:
//
//   actual and expected are not close (|actual - expected| <= atol + rtol * |expected|, rtol 1e-05, atol 1e-08):
//     1 of 3 elements differ
//     first at [1]: expected 0.5, got 0.52 (difference 0.02)
//     largest difference at [1]: expected 0.5, got 0.52 (difference 0.02)
//
// Elements are compared as doubles (exact for integers up to 2^53). NaN is
// never equal or close to anything, NaN included (torch.testing's default).
//
// This header declares namespace kindling::testing. After `using namespace
// kindling;`, name GoogleTest's namespace ::testing (::testing::Test), or
// `testing::` is ambiguous.
#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/gradcheck.hpp"
#include "tensor/tensor.hpp"

#define EXPECT_GRADCHECK(...) \
    GTEST_ASSERT_(::kindling::testing::gradcheck_passes(#__VA_ARGS__, __VA_ARGS__), GTEST_NONFATAL_FAILURE_)
#define ASSERT_GRADCHECK(...) \
    GTEST_ASSERT_(::kindling::testing::gradcheck_passes(#__VA_ARGS__, __VA_ARGS__), GTEST_FATAL_FAILURE_)

#define EXPECT_TENSOR_EQ(actual, expected) EXPECT_PRED_FORMAT2(::kindling::testing::tensors_equal, actual, expected)
#define ASSERT_TENSOR_EQ(actual, expected) ASSERT_PRED_FORMAT2(::kindling::testing::tensors_equal, actual, expected)
#define EXPECT_TENSOR_NEAR(actual, expected, rtol, atol) \
    EXPECT_PRED_FORMAT4(::kindling::testing::tensors_near, actual, expected, rtol, atol)
#define ASSERT_TENSOR_NEAR(actual, expected, rtol, atol) \
    ASSERT_PRED_FORMAT4(::kindling::testing::tensors_near, actual, expected, rtol, atol)

namespace kindling::testing {

// --- gradcheck ----------------------------------------------------------------------

// autograd::gradcheck, and the guard against a vacuous pass: a backward that
// returns zeros for an input agrees with finite differences wherever the
// function ignores that input, so every input that requires grad must also
// receive a gradient that is not all zero. `text` is the macro's arguments.
inline ::testing::AssertionResult gradcheck_passes(const char* text, const autograd::DifferentiableFunction& function,
                                                   const std::vector<Tensor>& inputs,
                                                   const autograd::GradcheckOptions& options = {}) {
    const autograd::GradcheckResult result = autograd::gradcheck(function, inputs, options);
    const std::string failed = std::string("gradcheck(") + text + ") failed:\n  ";
    if (!result.passed) return ::testing::AssertionFailure() << failed << result.message;
    if (result.elements_checked == 0) {
        return ::testing::AssertionFailure()
               << failed << "no element was checked: no input that requires grad has any element";
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].requires_grad() && result.largest_analytic_per_input[i] == 0.0) {
            return ::testing::AssertionFailure()
                   << failed << "the gradient of input " << i << " (shape " << shape_to_string(inputs[i].shape())
                   << ") is all zero, so the check proves nothing about it; choose inputs the output depends on";
        }
    }
    return ::testing::AssertionSuccess();
}

// --- comparing tensors ----------------------------------------------------------------

namespace detail {

// "[1, 0, 2]": the index of the element at row-major position `linear`.
inline std::string index_string(const Shape& shape, std::int64_t linear) {
    Shape index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = linear % shape[d];
        linear /= shape[d];
    }
    return shape_to_string(index);
}

// The shortest text that reads back as the same value of `dtype`: a float32
// shows as 0.1, not 0.100000001490116.
inline std::string format_value(double value, DType dtype) {
    if (dtype == DType::Int64) return std::to_string(static_cast<long long>(value));
    char text[32];
    const auto end = dtype == DType::Float32 ? std::to_chars(text, text + sizeof text, static_cast<float>(value)).ptr
                                             : std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

inline std::string describe(const char* text, const Tensor& tensor) {
    return std::string(text) + " is " + dtype_name(tensor.dtype()) + " " + shape_to_string(tensor.shape());
}

// Shapes and dtypes first; then element by element, `close` deciding.
template <typename Close>
::testing::AssertionResult compare(const char* actual_text, const char* expected_text, const Tensor& actual,
                                   const Tensor& expected, const std::string& not_what, Close close) {
    for (const auto& [text, tensor] : {std::pair{actual_text, &actual}, std::pair{expected_text, &expected}}) {
        if (!tensor->defined()) return ::testing::AssertionFailure() << text << " is an undefined tensor";
    }
    const std::string both = std::string(actual_text) + " and " + expected_text;
    const bool shapes_differ = actual.shape() != expected.shape(), dtypes_differ = actual.dtype() != expected.dtype();
    if (shapes_differ || dtypes_differ) {
        return ::testing::AssertionFailure()
               << both << " differ in " << (shapes_differ ? (dtypes_differ ? "shape and dtype" : "shape") : "dtype")
               << ": " << describe(actual_text, actual) << ", " << describe(expected_text, expected);
    }
    const std::vector<double> got = actual.to_vector<double>(), want = expected.to_vector<double>();
    const auto difference = [&](std::size_t i) { return std::fabs(got[i] - want[i]); };
    std::int64_t failures = 0;
    std::size_t first = 0, largest = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (close(got[i], want[i])) continue;
        if (failures++ == 0) first = largest = i;
        // NaN compares false with everything, so a NaN difference stays the largest once found.
        if (!std::isnan(difference(largest)) && !(difference(i) <= difference(largest))) largest = i;
    }
    if (failures == 0) return ::testing::AssertionSuccess();

    // "[1, 0]: expected 0.5, got 0.52 (difference 0.02)"
    const auto element = [&](std::size_t i) {
        std::ostringstream out;
        out.precision(3);
        out << index_string(actual.shape(), static_cast<std::int64_t>(i)) << ": expected "
            << format_value(want[i], actual.dtype()) << ", got " << format_value(got[i], actual.dtype())
            << " (difference " << difference(i) << ")";
        return out.str();
    };
    return ::testing::AssertionFailure() << both << " are not " << not_what << ":\n  " << failures << " of "
                                         << got.size() << " elements differ\n  first at " << element(first)
                                         << "\n  largest difference at " << element(largest);
}

} // namespace detail

// EXPECT_TENSOR_EQ's test: same shape, same dtype, every element equal.
inline ::testing::AssertionResult tensors_equal(const char* actual_text, const char* expected_text,
                                                const Tensor& actual, const Tensor& expected) {
    return detail::compare(actual_text, expected_text, actual, expected, "equal",
                           [](double got, double want) { return got == want; });
}

// EXPECT_TENSOR_NEAR's test: same shape and dtype, and every element within
// atol + rtol * |expected| (torch.isclose; equal infinities are close).
inline ::testing::AssertionResult tensors_near(const char* actual_text, const char* expected_text, const char*,
                                               const char*, const Tensor& actual, const Tensor& expected,
                                               double rtol, double atol) {
    std::ostringstream not_what;
    not_what << "close (|actual - expected| <= atol + rtol * |expected|, rtol " << rtol << ", atol " << atol << ")";
    return detail::compare(actual_text, expected_text, actual, expected, not_what.str(), [=](double got, double want) {
        return got == want || std::fabs(got - want) <= atol + rtol * std::fabs(want);
    });
}

} // namespace kindling::testing
