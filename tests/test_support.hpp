// Small helpers that several test files share.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::testing {

// A tensor's elements in order, as doubles, for EXPECT_EQ against a list.
inline std::vector<double> values(const Tensor& tensor) { return tensor.to_vector<double>(); }

// Same shape, and every element within tolerance * (1 + |expected|).
inline void expect_close(const Tensor& actual, const Tensor& expected, double tolerance, const std::string& context) {
    ASSERT_EQ(actual.shape(), expected.shape()) << context;
    const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
    for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_NEAR(a[i], e[i], tolerance * (1.0 + std::abs(e[i]))) << context << " at element " << i;
    }
}

// How many times `needle` occurs in `text` (overlapping occurrences count).
inline int count_of(const std::string& text, const std::string& needle) {
    int count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

} // namespace kindling::testing
