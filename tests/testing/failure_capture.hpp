// The failures an assertion reports, captured instead of failing the test,
// so the tests of <kindling/testing.hpp> can read its messages.
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace kindling::testing {

// The messages of the failures `statement` reports, one per line.
inline std::string failures_of(const std::function<void()>& statement) {
    ::testing::TestPartResultArray results;
    {
        ::testing::ScopedFakeTestPartResultReporter reporter(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
        statement();
    }
    std::string messages;
    for (int i = 0; i < results.size(); ++i) messages += std::string(results.GetTestPartResult(i).message()) + "\n";
    return messages;
}

} // namespace kindling::testing
