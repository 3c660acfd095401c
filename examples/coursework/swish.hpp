// Coursework: a learnable Swish activation, as an op and as a layer.
//
//   y = x * sigmoid(beta * x)        (beta = 1 is SiLU; beta -> infinity is ReLU)
//
// With s = sigmoid(beta * x) and sigmoid' = s * (1 - s):
//   dy/dx    = s + beta * x * s * (1 - s)
//   dy/dbeta = x * x * s * (1 - s)
#pragma once

#include <kindling.hpp>

#include <string>
#include <vector>

namespace coursework {

using kindling::Tensor;

// The op. x: any shape, beta: [1] -> y: the shape of x.
inline Tensor swish(const Tensor& x, const Tensor& beta) {
    // Forward: plain tensor math, with recording off (we record one node ourselves).
    Tensor s, y;
    {
        kindling::autograd::NoGradGuard no_grad;
        s = kindling::sigmoid(x * beta);
        y = x * s;
    }
    // Backward: g = dL/dy (shaped like y) -> one gradient per input, shaped like that input.
    return kindling::autograd::record("swish", y, {x, beta}, [x = x.detach(), beta = beta.detach(), s](const Tensor& g) {
        const Tensor slope = s * (1.0 - s);
        const Tensor dx = g * (s + beta * x * slope);
        const Tensor dbeta = kindling::sum(g * x * x * slope).reshape({1}); // beta touched every element
        return std::vector<Tensor>{dx, dbeta};
    });
}

// The layer: owns beta as a trained parameter and applies the op.
class Swish : public kindling::nn::Module {
public:
    Swish() { beta = register_parameter("beta", kindling::ones({1})); }

    Tensor forward(const Tensor& x) override { return swish(x, beta); }
    std::string type_name() const override { return "Swish"; }

    Tensor beta; // [1], starts at 1 (SiLU)
};

} // namespace coursework
