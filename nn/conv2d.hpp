// Conv2d: 2-D convolution (really cross-correlation, like every DL library),
// as torch.nn.Conv2d and torch.nn.functional.conv2d.
//
//   input  x: [N, C_in, H, W]
//   weight w: [C_out, C_in / groups, kernel_h, kernel_w]
//   bias   b: [C_out]                  (optional)
//   output y: [N, C_out, H_out, W_out]
//
//   y[n][o][i][j] = b[o] + sum over c, u, v of
//       w[o][c][u][v] * x[n][g*C_in/groups + c][i*stride_h - pad_h + u*dilation_h][j*stride_w - pad_w + v*dilation_w]
//   (g = the group of output channel o; x is 0 outside the image: zero padding)
//
// Output size, per spatial dimension (the same formula as PyTorch):
//
//   H_out = floor((H + 2*pad_h - dilation_h*(kernel_h - 1) - 1) / stride_h) + 1
//
// How it is computed (nn/conv2d.cpp): im2col turns each image into a matrix
// whose columns are the receptive fields, so the whole convolution becomes one
// matrix product (SGEMM) per group. nn/conv2d_reference.cpp keeps the plain
// seven-loop version that the tests compare against. docs/nn/convolution.md
// draws the picture.
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.hpp"
#include "tensor/generator.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn {

// A (height, width) pair that an int converts to, like PyTorch's
// `kernel_size=3` or `kernel_size=(3, 5)`: Conv2d(3, 8, 3) or Conv2d(3, 8, {3, 5}).
struct Size2d {
    std::int64_t height;
    std::int64_t width;
    Size2d(std::int64_t both) : height(both), width(both) {} // NOLINT: implicit on purpose
    Size2d(std::int64_t height_, std::int64_t width_) : height(height_), width(width_) {}
    bool operator==(const Size2d&) const = default;
    std::string to_string() const; // "(3, 5)"
};

// floor((input + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1, for one
// spatial dimension. Throws naming `op` when the result would be < 1.
std::int64_t conv_output_size(std::int64_t input_size, std::int64_t kernel_size, std::int64_t stride,
                              std::int64_t padding, std::int64_t dilation, const char* op);

// The functional form, differentiable in input, weight and bias.
// `bias` may be an undefined Tensor() for no bias. float32 or float64.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), Size2d stride = 1,
              Size2d padding = 0, Size2d dilation = 1, std::int64_t groups = 1);

// The layer. Weight and bias start like PyTorch's reset_parameters():
// kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
// fan_in = in_channels / groups * kernel_h * kernel_w, and the same bound for
// the bias, drawn from `generator` (weight first, then bias).
class Conv2d : public Module {
public:
    Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2d kernel_size, Size2d stride = 1,
           Size2d padding = 0, Size2d dilation = 1, std::int64_t groups = 1, bool bias = true,
           Generator& generator = default_generator());

    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Conv2d"; }
    std::string extra_repr() const override;

    const std::int64_t in_channels;
    const std::int64_t out_channels;
    const Size2d kernel_size;
    const Size2d stride;
    const Size2d padding;
    const Size2d dilation;
    const std::int64_t groups;

    Tensor weight; // [out_channels, in_channels / groups, kernel_h, kernel_w]
    Tensor bias;   // [out_channels], undefined when constructed with bias = false
};

// The building blocks, exposed for tests, benchmarks and curious readers.
namespace detail {

// image: [C, H, W] -> columns: [C*kernel_h*kernel_w, H_out*W_out]
//   columns[(c*kernel_h + u)*kernel_w + v][i*W_out + j]
//       = image[c][i*stride_h - pad_h + u*dilation_h][j*stride_w - pad_w + v*dilation_w]   (0 outside)
Tensor im2col(const Tensor& image, Size2d kernel_size, Size2d stride = 1, Size2d padding = 0, Size2d dilation = 1);

// The adjoint of im2col: columns [C*kernel_h*kernel_w, H_out*W_out] -> image
// [C, H, W], every column entry added back onto the pixel it was copied from
// (a pixel in several receptive fields collects several contributions), so
// <im2col(x), y> == <x, col2im(y)> for all x, y.
Tensor col2im(const Tensor& columns, const Shape& image_shape, Size2d kernel_size, Size2d stride = 1,
              Size2d padding = 0, Size2d dilation = 1);

// The reference: seven nested loops straight from the formula at the top of
// this file (nn/conv2d_reference.cpp). Slow, obviously right, no autograd.
Tensor conv2d_direct(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), Size2d stride = 1,
                     Size2d padding = 0, Size2d dilation = 1, std::int64_t groups = 1);

} // namespace detail

} // namespace kindling::nn
