// Activation layers: the nonlinearities between the linear layers, plus the two
// shape helpers Identity and Flatten. Every layer here is element-wise (its
// output has the input's shape, any shape) except Flatten.
//
//   ReLU        max(x, 0)
//   LeakyReLU   x if x > 0 else negative_slope * x
//   Sigmoid     1 / (1 + e^-x)
//   Tanh        tanh x
//   GELU        x * Phi(x), Phi = the standard normal CDF (exact, with erf), or
//               its tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
//   Identity    x
//   Flatten     [N, C, H, W] -> [N, C*H*W]  (dims start_dim..end_dim merged)
//
// ReLU, Sigmoid and Tanh call the differentiable tensor ops of tensor/ops.hpp;
// LeakyReLU and GELU have their forward and backward kernels in activations.cpp.
// Softmax and LogSoftmax are in nn/softmax.hpp.
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.hpp"

namespace kindling::nn {

namespace functional {

// out = x > 0 ? x : negative_slope * x
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);

// How GELU computes Phi(x): exactly with erf, or with PyTorch's tanh formula.
enum class GeluApproximation { None, Tanh };
Tensor gelu(const Tensor& x, GeluApproximation approximate = GeluApproximation::None);

} // namespace functional

class ReLU : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "ReLU"; }
};

class LeakyReLU : public Module {
public:
    explicit LeakyReLU(double negative_slope = 0.01) : negative_slope(negative_slope) {}
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "LeakyReLU"; }
    std::string extra_repr() const override;

    double negative_slope;
};

class Sigmoid : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Sigmoid"; }
};

class Tanh : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Tanh"; }
};

class GELU : public Module {
public:
    explicit GELU(functional::GeluApproximation approximate = functional::GeluApproximation::None)
        : approximate(approximate) {}
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "GELU"; }
    std::string extra_repr() const override;

    functional::GeluApproximation approximate;
};

// Returns its input unchanged: a placeholder where a model needs "no layer".
class Identity : public Module {
public:
    Tensor forward(const Tensor& input) override { return input; }
    std::string type_name() const override { return "Identity"; }
};

// Merges dims start_dim..end_dim into one; the default keeps the batch dim:
// [N, C, H, W] -> [N, C*H*W], the bridge from convolutions to Linear layers.
class Flatten : public Module {
public:
    explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1) : start_dim(start_dim), end_dim(end_dim) {}
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Flatten"; }
    std::string extra_repr() const override;

    std::int64_t start_dim;
    std::int64_t end_dim;
};

} // namespace kindling::nn
