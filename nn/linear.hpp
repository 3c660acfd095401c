// Linear: the fully connected layer, y = x W^T + b.
//
//   x: [..., in_features] -> y: [..., out_features]
//   weight W: [out_features, in_features]   bias b: [out_features]
//
// Any leading dims are batch dims: they are flattened to one, multiplied with
// a single GEMM and restored. Built from differentiable ops (matmul, add), so
// the backward comes from theirs:
//   dx = g W   dW = g^T x   db = sum of g over the batch.
//
// Default initialisation is PyTorch's: W and b uniform in
// (-1/sqrt(in_features), 1/sqrt(in_features)) (see nn::init::default_layer_init_).
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.hpp"
#include "tensor/generator.hpp"

namespace kindling::nn {

namespace functional {
// y = x W^T + b; `bias` may be undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
} // namespace functional

class Linear : public Module {
public:
    Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true,
           Generator& generator = default_generator());

    Tensor forward(const Tensor& input) override { return functional::linear(input, weight, bias); }
    std::string type_name() const override { return "Linear"; }
    std::string extra_repr() const override;

    std::int64_t in_features;
    std::int64_t out_features;
    Tensor weight; // [out_features, in_features]
    Tensor bias;   // [out_features], undefined when constructed with bias = false
};

} // namespace kindling::nn
