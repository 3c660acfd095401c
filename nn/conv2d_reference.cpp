// The reference convolution: the formula of nn/conv2d.hpp as seven nested
// loops, with no tricks. It is slow (no data reuse, a bounds test per
// multiply) and that is the point: it is short enough to check by eye, and the
// tests hold the im2col + GEMM version in nn/conv2d.cpp to it.
#include <stdexcept>

#include "nn/conv2d.hpp"

namespace kindling::nn::detail {

Tensor conv2d_direct(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride, Size2d padding,
                     Size2d dilation, std::int64_t groups) {
    if (input.dim() != 4 || weight.dim() != 4 || groups < 1 || input.size(1) != weight.size(1) * groups ||
        weight.size(0) % groups != 0) {
        throw std::invalid_argument("conv2d_direct: input " + shape_to_string(input.shape()) + " and weight " +
                                    shape_to_string(weight.shape()) + " do not fit with groups=" +
                                    std::to_string(groups));
    }
    const Tensor x = input.contiguous(), w = weight.contiguous();
    const std::int64_t batch = x.size(0), in_height = x.size(2), in_width = x.size(3);
    const std::int64_t out_channels = w.size(0), group_in = w.size(1);
    const std::int64_t kernel_height = w.size(2), kernel_width = w.size(3);
    const std::int64_t group_out = out_channels / groups, in_channels = group_in * groups;
    const std::int64_t out_height = conv_output_size(in_height, kernel_height, stride.height, padding.height,
                                                     dilation.height, "conv2d_direct");
    const std::int64_t out_width =
        conv_output_size(in_width, kernel_width, stride.width, padding.width, dilation.width, "conv2d_direct");
    Tensor output = empty({batch, out_channels, out_height, out_width}, x.dtype());

    visit_floating(x.dtype(), "conv2d_direct", [&]<typename T>() {
        const T* in = x.data<T>();
        const T* kernel = w.data<T>();
        T* out = output.data<T>();
        for (std::int64_t n = 0; n < batch; ++n) {
            for (std::int64_t o = 0; o < out_channels; ++o) {
                const std::int64_t first_channel = (o / group_out) * group_in; // where o's group starts
                for (std::int64_t i = 0; i < out_height; ++i) {
                    for (std::int64_t j = 0; j < out_width; ++j) {
                        T total = bias.defined() ? static_cast<T>(bias.at({o})) : T(0);
                        for (std::int64_t c = 0; c < group_in; ++c) {
                            for (std::int64_t u = 0; u < kernel_height; ++u) {
                                for (std::int64_t v = 0; v < kernel_width; ++v) {
                                    const std::int64_t y = i * stride.height - padding.height + u * dilation.height;
                                    const std::int64_t x_pos = j * stride.width - padding.width + v * dilation.width;
                                    if (y < 0 || y >= in_height || x_pos < 0 || x_pos >= in_width) continue;
                                    total += kernel[((o * group_in + c) * kernel_height + u) * kernel_width + v] *
                                             in[((n * in_channels + first_channel + c) * in_height + y) * in_width +
                                                x_pos];
                                }
                            }
                        }
                        out[((n * out_channels + o) * out_height + i) * out_width + j] = total;
                    }
                }
            }
        }
    });
    return output;
}

} // namespace kindling::nn::detail
