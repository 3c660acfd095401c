// Small helpers that several test files share.
#pragma once

#include <gtest/gtest.h>
#include <kindling/testing.hpp>

#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::testing {

// A tensor's elements in order, as doubles, for EXPECT_EQ against a list.
inline std::vector<double> values(const Tensor& tensor) { return tensor.to_vector<double>(); }

// Same shape and dtype, and every element within tolerance * (1 + |expected|):
// EXPECT_TENSOR_NEAR from <kindling/testing.hpp> with rtol = atol = tolerance.
inline void expect_close(const Tensor& actual, const Tensor& expected, double tolerance, const std::string& context) {
    EXPECT_TENSOR_NEAR(actual, expected, tolerance, tolerance) << context;
}

// The whole of a file of the source tree, e.g. read_source_file("docs/datasets.md"); "" when absent.
inline std::string read_source_file(const std::string& path) {
    std::ifstream file(std::string(KINDLING_SOURCE_DIR) + "/" + path);
    std::stringstream contents;
    contents << file.rdbuf();
    return contents.str();
}

// The code a doc page quotes, kept in a test file between two "// [doc:NAME]"
// lines so it is compiled and run: each region of the file (a path in the
// source tree) by name, with the marker's indentation removed.
inline std::map<std::string, std::string> doc_snippets_in(const std::string& path) {
    std::istringstream file(read_source_file(path));
    std::map<std::string, std::string> snippets;
    std::string line, open_name, text;
    std::size_t indent = 0;
    while (std::getline(file, line)) {
        const std::size_t marker = line.find("// [doc:");
        if (marker != std::string::npos && line.find_first_not_of(' ') == marker) {
            const std::string name = line.substr(marker + 8, line.find(']', marker) - marker - 8);
            if (open_name.empty()) {
                open_name = name;
                indent = marker;
                text.clear();
            } else {
                snippets[open_name] = text;
                open_name.clear();
            }
        } else if (!open_name.empty()) {
            text += (line.size() > indent ? line.substr(indent) : std::string()) + "\n";
        }
    }
    return snippets;
}

// How many times `needle` occurs in `text` (overlapping occurrences count).
inline int count_of(const std::string& text, const std::string& needle) {
    int count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

} // namespace kindling::testing
