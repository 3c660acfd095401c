// Softmax and LogSoftmax along one dimension: turn scores (logits) into
// probabilities, or their logarithms.
//
//   softmax(x)_i     = e^(x_i - m) / sum_j e^(x_j - m)
//   log_softmax(x)_i = (x_i - m) - log sum_j e^(x_j - m)
//
// m = max_j x_j changes nothing mathematically but keeps e^(...) <= 1, so
// logits of 1000 do not overflow (numerically stable). Both are fused kernels
// with their own backward (they sit in every classifier's hot path):
//
//   softmax:      dx_i = y_i (g_i - sum_j g_j y_j)
//   log_softmax:  dx_i = g_i - softmax(x)_i sum_j g_j
//
// Shapes: any x, `dim` may be negative; the output has x's shape.
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.hpp"

namespace kindling::nn {

namespace functional {
Tensor softmax(const Tensor& x, std::int64_t dim);
Tensor log_softmax(const Tensor& x, std::int64_t dim);
} // namespace functional

class Softmax : public Module {
public:
    explicit Softmax(std::int64_t dim) : dim(dim) {}
    Tensor forward(const Tensor& input) override { return functional::softmax(input, dim); }
    std::string type_name() const override { return "Softmax"; }
    std::string extra_repr() const override { return "dim=" + std::to_string(dim); }

    std::int64_t dim;
};

class LogSoftmax : public Module {
public:
    explicit LogSoftmax(std::int64_t dim) : dim(dim) {}
    Tensor forward(const Tensor& input) override { return functional::log_softmax(input, dim); }
    std::string type_name() const override { return "LogSoftmax"; }
    std::string extra_repr() const override { return "dim=" + std::to_string(dim); }

    std::int64_t dim;
};

} // namespace kindling::nn
