// docs/adding-a-layer.md teaches the coursework route with the files of
// examples/coursework/, quoted whole. This test fails when a quote no longer
// matches its file. The example's own tests (examples/coursework/swish_test.cpp)
// are compiled into this program as well (tests/CMakeLists.txt), and built
// against the installed package by scripts/run-tests.sh.
#include <gtest/gtest.h>

#include "test_support.hpp"

using kindling::testing::read_source_file;

TEST(AddingALayerDoc, QuotesTheCourseworkExampleVerbatim) {
    const std::string page = read_source_file("docs/adding-a-layer.md");
    ASSERT_FALSE(page.empty()) << "docs/adding-a-layer.md is missing";
    for (const auto& [file, language] : {std::pair{"CMakeLists.txt", "cmake"}, std::pair{"swish.hpp", "cpp"},
                                         std::pair{"swish_test.cpp", "cpp"}}) {
        const std::string code = read_source_file(std::string("examples/coursework/") + file);
        ASSERT_FALSE(code.empty()) << file;
        EXPECT_NE(page.find(std::string("```") + language + "\n" + code + "```"), std::string::npos)
            << "docs/adding-a-layer.md must quote examples/coursework/" << file << " whole";
    }
}
