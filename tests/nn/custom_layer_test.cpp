// The coursework path of docs/adding-a-layer.md, compiled and tested: a new
// layer in one place (forward and backward side by side) and its gradcheck.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "layers_test_support.hpp"
#include "nn/module.hpp"

using namespace kindling;

// [adding-a-layer: layer]
// Swish (SiLU with a trainable slope): y = x * sigmoid(beta * x).
//   dy/dx    = s + beta * x * s * (1 - s),   s = sigmoid(beta * x)
//   dy/dbeta = x * x * s * (1 - s)
class Swish : public nn::Module {
public:
    Swish() { beta = register_parameter("beta", ones({1})); }

    Tensor forward(const Tensor& x) override {
        // Forward: plain tensor math, with recording off (we record one node ourselves).
        Tensor s;
        Tensor y;
        {
            autograd::NoGradGuard no_grad;
            s = sigmoid(x * beta);
            y = x * s;
        }
        // Backward: g = dL/dy (shaped like y) -> one gradient per input, shaped like it.
        return autograd::record("swish", y, {x, beta}, [x = x.detach(), beta = beta.detach(), s](const Tensor& g) {
            const Tensor slope = s * (1.0 - s);
            const Tensor dx = g * (s + beta * x * slope);
            const Tensor dbeta = sum(g * x * x * slope).reshape({1});
            return std::vector<Tensor>{dx, dbeta};
        });
    }
    std::string type_name() const override { return "Swish"; }

    Tensor beta; // [1]
};
// [adding-a-layer: layer]

// [adding-a-layer: test]
TEST(Swish, Gradcheck) {
    Swish layer;
    layer.to(DType::Float64); // finite differences need float64
    Generator generator(0);
    Tensor x = randn({3, 4}, generator, DType::Float64).requires_grad_();
    const autograd::GradcheckResult result =
        autograd::gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x, layer.beta});
    EXPECT_TRUE(result.passed) << result.message;
}
// [adding-a-layer: test]

TEST(Swish, GradientsAreNotAllZero) {
    Swish layer;
    layer.to(DType::Float64);
    kindling::testing::expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); },
                                        {kindling::testing::random_leaf({3, 4}, 1), layer.beta}, "Swish");
}

// docs/adding-a-layer.md quotes the two marked blocks of this file; keep them identical.
TEST(AddingALayerDoc, QuotesThisFileVerbatim) {
    const auto read = [](const std::string& path) {
        std::ifstream file(std::string(KINDLING_SOURCE_DIR) + "/" + path);
        std::stringstream text;
        text << file.rdbuf();
        return text.str();
    };
    const std::string source = read("tests/nn/custom_layer_test.cpp");
    const std::string page = read("docs/adding-a-layer.md");
    ASSERT_FALSE(page.empty()) << "docs/adding-a-layer.md is missing";
    for (const char* tag : {"layer", "test"}) {
        std::string marker = "// [adding-a-layer: ";
        marker.append(tag).append("]\n");
        const std::size_t start = source.find(marker) + marker.size();
        const std::string block = source.substr(start, source.find(marker, start) - start);
        EXPECT_NE(page.find("```cpp\n" + block + "```"), std::string::npos) << "block '" << tag << "' differs";
    }
}
