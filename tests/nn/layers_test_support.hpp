// Shared by the layer and loss tests: the float64 gradcheck every layer must
// pass, and loading the PyTorch fixtures of scripts/fixtures/layers.py.
#pragma once

#include <gtest/gtest.h>
#include <kindling/testing.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kindling.hpp"

namespace kindling::testing {

// The float64 gradcheck every layer must pass: EXPECT_GRADCHECK from
// <kindling/testing.hpp> (which also fails when an input's gradient is all
// zero), with the layer's name in its message.
inline void expect_gradcheck(const autograd::DifferentiableFunction& function, const std::vector<Tensor>& inputs,
                             const std::string& name) {
    EXPECT_GRADCHECK(function, inputs, {.name = name});
}

// A float64 leaf with random values, for gradchecks.
inline Tensor random_leaf(const Shape& shape, std::uint64_t seed, double scale = 1.0) {
    Generator generator(seed);
    Tensor values = randn(shape, generator, DType::Float64) * scale;
    return values.detach().requires_grad_();
}

inline nlohmann::json load_layers_fixture() {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/layers.json");
    if (!file) return nullptr;
    return nlohmann::json::parse(file);
}

// {"shape": [...], "data": [...]} -> a float32 tensor, or int64 when `integer`.
inline Tensor tensor_from_json(const nlohmann::json& value, bool integer = false) {
    const Shape shape = value.at("shape").get<Shape>();
    const Tensor flat = integer ? from_vector(value.at("data").get<std::vector<std::int64_t>>())
                                : from_vector(value.at("data").get<std::vector<float>>());
    return flat.reshape(shape); // also makes 0-d scalars, which from_vector cannot

}

// Element-wise |actual - expected| <= 1e-4 |expected| + 1e-5 (float32 parity with PyTorch).
inline void expect_close_to_json(const Tensor& actual, const nlohmann::json& expected, const std::string& what) {
    const Shape shape = expected.at("shape").get<Shape>();
    ASSERT_EQ(actual.shape(), shape) << what;
    const std::vector<double> got = actual.to_vector<double>();
    const std::vector<double> want = expected.at("data").get<std::vector<double>>();
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], want[i], 1e-4 * std::abs(want[i]) + 1e-5) << what << " element " << i;
    }
}

} // namespace kindling::testing
