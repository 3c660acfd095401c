// Pooling: shrink each feature map by summarising small windows, as
// torch.nn.MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.
//
//   input [N, C, H, W] (or [C, H, W]) -> output [N, C, H_out, W_out]
//
// Every channel of every image (a "plane") is pooled on its own: no weights,
// no mixing of channels. Window (i, j) covers rows i*stride_h - pad_h ...
// + kernel_h - 1 and the matching columns. Output size per dimension:
//
//   H_out = floor((H + 2*pad_h - kernel_h) / stride_h) + 1          (ceil with ceil_mode,
//                                                                    but a window must start
//                                                                    inside the input or the
//                                                                    left padding)
//
// Padding is at most half the kernel, as in PyTorch. MaxPool pads with -inf
// (padding never wins); AvgPool pads with zeros and, with count_include_pad
// (the default), still divides by the full window size.
// AdaptiveAvgPool2d picks the windows for a given output size instead:
// window i spans rows floor(i*H/H_out) ... ceil((i+1)*H/H_out) - 1.
// docs/nn/pooling.md has pictures and examples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "nn/conv2d.hpp" // Size2d
#include "nn/module.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn {

// The pooling output size of one dimension (see the formula above). Throws
// naming `op` for a padding above kernel/2 or an empty output.
std::int64_t pool_output_size(std::int64_t input_size, std::int64_t kernel_size, std::int64_t stride,
                              std::int64_t padding, bool ceil_mode, const char* op);

// --- functional forms (a stride of nullopt means stride = kernel_size) ------------

// The maxima and, for each, the flat index y*W + x of the winning input pixel
// in its plane (int64, like PyTorch's return_indices=True). On ties the first
// pixel in row-major order wins; a NaN always wins.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, Size2d kernel_size,
                                                  std::optional<Size2d> stride = std::nullopt, Size2d padding = 0,
                                                  bool ceil_mode = false);
Tensor max_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0, bool ceil_mode = false);
Tensor avg_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0, bool ceil_mode = false, bool count_include_pad = true);
Tensor adaptive_avg_pool2d(const Tensor& input, Size2d output_size);

// --- layers ------------------------------------------------------------------------

class MaxPool2d : public Module {
public:
    explicit MaxPool2d(Size2d kernel_size, std::optional<Size2d> stride = std::nullopt, Size2d padding = 0,
                       bool ceil_mode = false);
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "MaxPool2d"; }
    std::string extra_repr() const override;

    const Size2d kernel_size, stride, padding;
    const bool ceil_mode;
};

class AvgPool2d : public Module {
public:
    explicit AvgPool2d(Size2d kernel_size, std::optional<Size2d> stride = std::nullopt, Size2d padding = 0,
                       bool ceil_mode = false, bool count_include_pad = true);
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "AvgPool2d"; }
    std::string extra_repr() const override;

    const Size2d kernel_size, stride, padding;
    const bool ceil_mode, count_include_pad;
};

// AdaptiveAvgPool2d(1) is global average pooling: [N, C, H, W] -> [N, C, 1, 1].
class AdaptiveAvgPool2d : public Module {
public:
    explicit AdaptiveAvgPool2d(Size2d output_size);
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "AdaptiveAvgPool2d"; }
    std::string extra_repr() const override;

    const Size2d output_size;
};

} // namespace kindling::nn
