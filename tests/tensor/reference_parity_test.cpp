// Reference parity with PyTorch: replays every case of
// tests/fixtures/tensor_ops.json (written by scripts/fixtures/tensor_ops.py
// with torch 1.13, float32) and compares outputs and input gradients within
// 1e-5 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "kindling.hpp"

using namespace kindling;
using nlohmann::json;

namespace {

Tensor decode(const json& encoded) {
    return from_vector(encoded.at("data").get<std::vector<float>>(), encoded.at("shape").get<Shape>());
}

// Each fixture op, written with Kindling's API; `p` holds the case's params.
using CaseFunction = std::function<Tensor(const std::vector<Tensor>&, const json& p)>;

const std::map<std::string, CaseFunction>& case_functions() {
    static const std::map<std::string, CaseFunction> functions = {
        {"add", [](const auto& in, const json&) { return in[0] + in[1]; }},
        {"sub", [](const auto& in, const json&) { return in[0] - in[1]; }},
        {"mul", [](const auto& in, const json&) { return in[0] * in[1]; }},
        {"div", [](const auto& in, const json&) { return in[0] / in[1]; }},
        {"matmul", [](const auto& in, const json&) { return matmul(in[0], in[1]); }},
        {"sum", [](const auto& in, const json& p) { return sum(in[0], p.at("dims").get<std::vector<std::int64_t>>(), p.at("keepdim").get<bool>()); }},
        {"mean", [](const auto& in, const json& p) { return mean(in[0], p.at("dims").get<std::vector<std::int64_t>>(), p.at("keepdim").get<bool>()); }},
        {"var", [](const auto& in, const json& p) {
             return var(in[0], p.at("dims").get<std::vector<std::int64_t>>(), p.at("unbiased").get<bool>(), p.at("keepdim").get<bool>());
         }},
        {"max", [](const auto& in, const json& p) { return max(in[0], p.at("dim").get<std::int64_t>(), p.at("keepdim").get<bool>()).first; }},
        {"logsumexp", [](const auto& in, const json& p) { return logsumexp(in[0], p.at("dim").get<std::int64_t>(), p.at("keepdim").get<bool>()); }},
        {"exp", [](const auto& in, const json&) { return exp(in[0]); }},
        {"log", [](const auto& in, const json&) { return log(in[0]); }},
        {"sqrt", [](const auto& in, const json&) { return sqrt(in[0]); }},
        {"sigmoid", [](const auto& in, const json&) { return sigmoid(in[0]); }},
        {"tanh", [](const auto& in, const json&) { return tanh(in[0]); }},
        {"relu", [](const auto& in, const json&) { return relu(in[0]); }},
        {"pow_scalar", [](const auto& in, const json& p) { return pow(in[0], p.at("exponent").get<double>()); }},
        {"pow", [](const auto& in, const json&) { return pow(in[0], in[1]); }},
        {"clamp", [](const auto& in, const json& p) { return clamp(in[0], p.at("min").get<double>(), p.at("max").get<double>()); }},
        {"cat", [](const auto& in, const json& p) { return cat(in, p.at("dim").get<std::int64_t>()); }},
        {"stack", [](const auto& in, const json& p) { return stack(in, p.at("dim").get<std::int64_t>()); }},
        {"transpose_reshape", [](const auto& in, const json& p) {
             return in[0].transpose(p.at("dim0").get<std::int64_t>(), p.at("dim1").get<std::int64_t>()).reshape(p.at("shape").get<Shape>());
         }},
        {"slice", [](const auto& in, const json& p) {
             return in[0].slice(p.at("dim").get<std::int64_t>(), p.at("start").get<std::int64_t>(), p.at("end").get<std::int64_t>(),
                                p.at("step").get<std::int64_t>());
         }},
        {"where", [](const auto& in, const json&) { return where(in[0], in[1], in[2]); }},
    };
    return functions;
}

// |actual - expected| <= 1e-5 |expected| + 1e-6 element by element (the
// absolute part only matters for values near 0).
void expect_matches(const Tensor& actual, const json& expected, const std::string& what) {
    const Tensor reference = decode(expected);
    ASSERT_EQ(actual.shape(), reference.shape()) << what;
    const std::vector<double> got = actual.to_vector<double>(), want = reference.to_vector<double>();
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_LE(std::fabs(got[i] - want[i]), 1e-5 * std::fabs(want[i]) + 1e-6)
            << what << " element " << i << ": kindling " << got[i] << " vs torch " << want[i];
    }
}

} // namespace

TEST(ReferenceParity, MatchesTorchOutputsAndGradients) {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/tensor_ops.json");
    ASSERT_TRUE(file) << "missing tests/fixtures/tensor_ops.json; run /usr/bin/python3 scripts/fixtures/tensor_ops.py";
    const json fixture = json::parse(file);
    ASSERT_GE(fixture.at("cases").size(), 25u);
    for (const json& test_case : fixture.at("cases")) {
        const std::string name = test_case.at("name");
        SCOPED_TRACE(name);
        const auto function = case_functions().find(test_case.at("op"));
        ASSERT_NE(function, case_functions().end()) << "no Kindling function for op " << test_case.at("op");
        std::vector<Tensor> inputs;
        for (std::size_t i = 0; i < test_case.at("inputs").size(); ++i) {
            Tensor input = decode(test_case.at("inputs")[i]);
            if (!test_case.at("grads")[i].is_null()) input.requires_grad_();
            inputs.push_back(input);
        }
        const Tensor out = function->second(inputs, test_case.at("params"));
        expect_matches(out, test_case.at("output"), name + " output");
        if (test_case.contains("indices")) {
            EXPECT_EQ(max(inputs[0].detach(), test_case.at("params").at("dim"), false).second.to_vector<std::int64_t>(),
                      test_case.at("indices").at("data").get<std::vector<std::int64_t>>());
        }
        out.backward(decode(test_case.at("upstream")));
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            if (test_case.at("grads")[i].is_null()) continue;
            ASSERT_TRUE(inputs[i].grad().defined()) << name << " input " << i << " got no gradient";
            expect_matches(inputs[i].grad(), test_case.at("grads")[i], name + " grad " + std::to_string(i));
        }
    }
}
