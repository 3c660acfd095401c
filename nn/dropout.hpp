// Dropout: during training, zero each element with probability p and scale the
// survivors by 1 / (1 - p) ("inverted dropout"), so the expected value of every
// element is unchanged and evaluation needs no rescaling: in eval() it is the
// identity.
//
//   x: any shape -> y = x * mask,   mask = (u >= p) / (1 - p),  u ~ U[0, 1)
//   backward: dx = g * mask  (from the differentiable mul)
//
// The mask comes from a Generator (default_generator() unless given), so a
// seeded run drops the same elements every time.
#pragma once

#include <string>

#include "nn/module.hpp"
#include "tensor/generator.hpp"

namespace kindling::nn {

namespace functional {
Tensor dropout(const Tensor& x, double p, bool training, Generator& generator = default_generator());
} // namespace functional

class Dropout : public Module {
public:
    explicit Dropout(double p = 0.5, Generator& generator = default_generator());
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Dropout"; }
    std::string extra_repr() const override;

    double p;

private:
    Generator* generator_; // not owned: a Generator outlives the layers that draw from it
};

} // namespace kindling::nn
