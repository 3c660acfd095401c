// nn::init: how layers fill their weights before training, like torch.nn.init.
//
// Why it matters: if every layer multiplies the variance of its input by a
// factor f, a deep net multiplies it by f^depth, and activations (and
// gradients) vanish or explode. The schemes below choose the spread of the
// initial weights so that f is about 1:
//
//   xavier (Glorot):  Var(w) = gain^2 * 2 / (fan_in + fan_out)
//   kaiming (He):     Var(w) = gain^2 / fan          (fan = fan_in or fan_out)
//
// where `gain` undoes the shrinking of the nonlinearity that follows the layer
// (calculate_gain). A uniform distribution U(-b, b) has variance b^2 / 3, so the
// uniform versions use b = sqrt(3) * std.
//
// Every function fills the tensor in place (even a parameter that requires
// grad: recording is switched off inside) and draws from a Generator, the
// process-wide default_generator() unless you pass your own.
#pragma once

#include <cstdint>
#include <utility>

#include "tensor/generator.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn::init {

// The nonlinearities calculate_gain knows, as in torch.nn.init.calculate_gain.
enum class Nonlinearity { Linear, Conv, Sigmoid, Tanh, ReLU, LeakyReLU, SELU };

// Which fan kaiming_* keeps the variance for: fan_in preserves it in the
// forward pass, fan_out in the backward pass.
enum class FanMode { FanIn, FanOut };

// The factor that compensates for the nonlinearity's effect on variance:
//   linear, conv, sigmoid: 1     tanh: 5/3     relu: sqrt(2)
//   leaky_relu: sqrt(2 / (1 + negative_slope^2))     selu: 3/4
// `negative_slope` is used by LeakyReLU only (PyTorch's default 0.01).
double calculate_gain(Nonlinearity nonlinearity, double negative_slope = 0.01);

// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field,
// with receptive field = product of the sizes after the first two:
//   Linear weight [out, in]            -> fan_in = in,        fan_out = out
//   Conv2d weight [out, in, kh, kw]    -> fan_in = in*kh*kw,  fan_out = out*kh*kw
// Throws for a tensor with fewer than 2 dimensions.
std::pair<std::int64_t, std::int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor& uniform_(Tensor& tensor, double low = 0.0, double high = 1.0, Generator& generator = default_generator());
Tensor& normal_(Tensor& tensor, double mean = 0.0, double std = 1.0, Generator& generator = default_generator());
Tensor& constant_(Tensor& tensor, double value);
Tensor& zeros_(Tensor& tensor);
Tensor& ones_(Tensor& tensor);

// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& tensor, double gain = 1.0, Generator& generator = default_generator());
// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& tensor, double gain = 1.0, Generator& generator = default_generator());

// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
// `a` is the negative slope of the leaky ReLU that follows (PyTorch's defaults:
// a = 0, fan_in, leaky_relu, which gives the ReLU gain sqrt(2)).
Tensor& kaiming_uniform_(Tensor& tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                         Nonlinearity nonlinearity = Nonlinearity::LeakyReLU,
                         Generator& generator = default_generator());
// N(0, std^2) with std = gain / sqrt(fan).
Tensor& kaiming_normal_(Tensor& tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                        Nonlinearity nonlinearity = Nonlinearity::LeakyReLU,
                        Generator& generator = default_generator());

// PyTorch's default for Linear and Conv2d (their reset_parameters()):
//   weight: kaiming_uniform_(a = sqrt(5))  ->  U(-1/sqrt(fan_in), 1/sqrt(fan_in))
//   bias:   U(-1/sqrt(fan_in), 1/sqrt(fan_in))   (skipped when `bias` is undefined)
// The weight is drawn first, then the bias, as in PyTorch. Tensors are handles,
// so passing them by value still fills the layer's own parameters.
void default_layer_init_(Tensor weight, Tensor bias, Generator& generator = default_generator());

} // namespace kindling::nn::init
