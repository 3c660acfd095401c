// Loads tests/fixtures/metrics.json, the scikit-learn values written by
// scripts/fixtures/metrics.py.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tensor/tensor.hpp"

namespace kindling::metrics::testing {

inline const nlohmann::json& sklearn_fixtures() {
    static const nlohmann::json fixtures = [] {
        std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/metrics.json");
        if (!file) throw std::runtime_error("cannot open tests/fixtures/metrics.json; run scripts/fixtures/metrics.py");
        return nlohmann::json::parse(file);
    }();
    return fixtures;
}

inline Tensor int64_tensor(const nlohmann::json& values, const Shape& shape = {}) {
    return from_vector(values.get<std::vector<std::int64_t>>(), shape);
}

inline Tensor float64_tensor(const nlohmann::json& values, const Shape& shape = {}) {
    return from_vector(values.get<std::vector<double>>(), shape);
}

} // namespace kindling::metrics::testing
