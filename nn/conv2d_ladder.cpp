// The six rungs of nn/conv2d_ladder.hpp, slowest first. Each keeps the
// arithmetic of the one before and changes how memory is walked; the header
// gives the formulas, docs/performance.md the measured speeds.
#include "nn/conv2d_ladder.hpp"

#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace kindling::nn::ladder {

// --- the list of rungs ------------------------------------------------------------

const std::vector<RungInfo>& rungs() {
    static const std::vector<RungInfo> all = {
        {Rung::NaiveDirect, "naive_direct", "seven loops straight from the formula, a border test per multiply"},
        {Rung::ReorderedDirect, "reordered_direct",
         "the same loops reordered: the innermost runs along an image row and vectorises"},
        {Rung::Im2colNaiveGemm, "im2col_naive_gemm", "im2col, then a textbook triple-loop matrix product"},
        {Rung::Im2colBlockedGemm, "im2col_blocked_gemm",
         "im2col, then our cache-blocked GEMM with a 12x32 register-tiled micro-kernel"},
        {Rung::Im2colOpenBlas, "im2col_openblas", "im2col, then OpenBLAS's SGEMM on one thread"},
        {Rung::Im2colOpenBlasThreads, "im2col_openblas_threads",
         "im2col + OpenBLAS with OpenMP spreading the images over all threads"},
    };
    return all;
}

const RungInfo& rung_info(Rung rung) {
    for (const RungInfo& info : rungs()) {
        if (info.rung == rung) return info;
    }
    throw std::invalid_argument("rung_info: no rung number " + std::to_string(static_cast<int>(rung)));
}

Rung rung_from_name(std::string_view name) {
    std::string valid;
    for (const RungInfo& info : rungs()) {
        if (info.name == name) return info.rung;
        valid += (valid.empty() ? "" : ", ") + std::string(info.name);
    }
    throw std::invalid_argument("conv ladder: unknown rung '" + std::string(name) + "'; expected one of " + valid);
}

namespace {

// --- shapes, checked once per call --------------------------------------------------

struct LadderShape {
    std::int64_t batch = 0, in_channels = 0, in_height = 0, in_width = 0;
    std::int64_t out_channels = 0, kernel_height = 0, kernel_width = 0, out_height = 0, out_width = 0;
    Size2d stride = 1, padding = 0;

    Size2d kernel() const { return {kernel_height, kernel_width}; }
    std::int64_t image_size() const { return in_channels * in_height * in_width; }
    std::int64_t out_pixels() const { return out_height * out_width; }                   // P
    std::int64_t column_rows() const { return in_channels * kernel_height * kernel_width; } // K
};

[[noreturn]] void fail(const char* op, const std::string& why) {
    throw std::invalid_argument(std::string(op) + ": " + why);
}

std::string describe_shape(const Tensor& tensor) {
    return tensor.defined() ? "shape " + shape_to_string(tensor.shape()) : std::string("an undefined tensor");
}

void require_float32(const char* op, const char* what, const Tensor& tensor) {
    if (tensor.dtype() != DType::Float32) {
        fail(op, std::string("expected ") + what + " to be float32, got " + dtype_name(tensor.dtype()));
    }
}

LadderShape check_shapes(const char* op, const Tensor& input, const Tensor& weight, Size2d stride, Size2d padding) {
    if (!input.defined() || input.dim() != 4) {
        fail(op, "expected input [N, C_in, H, W], got " + describe_shape(input));
    }
    if (!weight.defined() || weight.dim() != 4 || weight.size(1) != input.size(1)) {
        fail(op, "input " + shape_to_string(input.shape()) + " needs weight [C_out, " + std::to_string(input.size(1)) +
                     ", kh, kw], got " + describe_shape(weight));
    }
    require_float32(op, "input", input);
    require_float32(op, "weight", weight);
    if (stride.height < 1 || stride.width < 1) fail(op, "stride must be at least 1, got " + stride.to_string());
    if (padding.height < 0 || padding.width < 0) fail(op, "padding must be non-negative, got " + padding.to_string());
    LadderShape s;
    s.batch = input.size(0);
    s.in_channels = input.size(1);
    s.in_height = input.size(2);
    s.in_width = input.size(3);
    s.out_channels = weight.size(0);
    s.kernel_height = weight.size(2);
    s.kernel_width = weight.size(3);
    s.stride = stride;
    s.padding = padding;
    s.out_height = conv_output_size(s.in_height, s.kernel_height, stride.height, padding.height, 1, op);
    s.out_width = conv_output_size(s.in_width, s.kernel_width, stride.width, padding.width, 1, op);
    return s;
}

LadderShape check_forward(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                          Size2d stride, Size2d padding) {
    const LadderShape s = check_shapes(op, input, weight, stride, padding);
    if (bias.defined()) {
        if (bias.shape() != Shape{s.out_channels}) {
            fail(op, "weight " + shape_to_string(weight.shape()) + " needs bias [" + std::to_string(s.out_channels) +
                         "], got shape " + shape_to_string(bias.shape()));
        }
        require_float32(op, "bias", bias);
    }
    return s;
}

LadderShape check_backward(const char* op, const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                           Size2d stride, Size2d padding) {
    const LadderShape s = check_shapes(op, input, weight, stride, padding);
    const Shape expected{s.batch, s.out_channels, s.out_height, s.out_width};
    if (!grad_output.defined() || grad_output.shape() != expected) {
        fail(op, "input " + shape_to_string(input.shape()) + " and weight " + shape_to_string(weight.shape()) +
                     " give an output " + shape_to_string(expected) + ", but grad_output has " +
                     describe_shape(grad_output));
    }
    require_float32(op, "grad_output", grad_output);
    return s;
}

// Plain row-major float memory to read: the caller's tensor when it already
// is, else a copy; detached, since these functions are not autograd ops.
Tensor plain(const Tensor& tensor) { return tensor.detach().contiguous(); }

} // namespace

// --- 1. naive direct ------------------------------------------------------------------

Tensor naive_direct_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride,
                            Size2d padding) {
    check_forward("naive_direct_forward", input, weight, bias, stride, padding);
    return detail::conv2d_direct(plain(input), plain(weight), bias.defined() ? plain(bias) : Tensor(), stride,
                                 padding);
}

// The forward loops run backwards: each output element hands its gradient
// to every weight and input pixel it was computed from.
Conv2dGradients naive_direct_backward(const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                      Size2d stride, Size2d padding) {
    const LadderShape s = check_backward("naive_direct_backward", input, weight, grad_output, stride, padding);
    const Tensor x = plain(input), w = plain(weight), dy = plain(grad_output);
    Conv2dGradients grads{zeros(x.shape()), zeros(w.shape()), zeros({s.out_channels})};
    const float* in = x.data<float>();
    const float* kernel = w.data<float>();
    const float* out_grad = dy.data<float>();
    float* in_grad = grads.input.data<float>();
    float* kernel_grad = grads.weight.data<float>();
    float* bias_grad = grads.bias.data<float>();
    for (std::int64_t n = 0; n < s.batch; ++n) {
        for (std::int64_t o = 0; o < s.out_channels; ++o) {
            for (std::int64_t i = 0; i < s.out_height; ++i) {
                for (std::int64_t j = 0; j < s.out_width; ++j) {
                    const float g = out_grad[((n * s.out_channels + o) * s.out_height + i) * s.out_width + j];
                    bias_grad[o] += g;
                    for (std::int64_t c = 0; c < s.in_channels; ++c) {
                        for (std::int64_t u = 0; u < s.kernel_height; ++u) {
                            for (std::int64_t v = 0; v < s.kernel_width; ++v) {
                                const std::int64_t y = i * stride.height - padding.height + u;
                                const std::int64_t x_pos = j * stride.width - padding.width + v;
                                if (y < 0 || y >= s.in_height || x_pos < 0 || x_pos >= s.in_width) continue;
                                const std::int64_t pixel =
                                    ((n * s.in_channels + c) * s.in_height + y) * s.in_width + x_pos;
                                const std::int64_t tap =
                                    ((o * s.in_channels + c) * s.kernel_height + u) * s.kernel_width + v;
                                in_grad[pixel] += kernel[tap] * g;
                                kernel_grad[tap] += in[pixel] * g;
                            }
                        }
                    }
                }
            }
        }
    }
    return grads;
}

// --- 2. reordered direct -------------------------------------------------------------

namespace {

// The outputs [begin, end) whose input position output*stride + offset lies in
// [0, size): the rows (or columns) of the output that a kernel tap at
// `offset` = u - pad reaches without falling into the zero padding.
struct OutputRange {
    std::int64_t begin, end;
};
OutputRange inside_image(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t output_size) {
    const std::int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    const std::int64_t end = size - 1 - offset < 0 ? 0 : std::min(output_size, (size - 1 - offset) / stride + 1);
    return {std::min(begin, end), end};
}

} // namespace

// For one (image n, output channel o), the output plane y[n][o] (H_out*W_out
// floats, a few KB: it stays in L1) collects every (c, u, v) term in turn:
//   y[n][o][i][j] += w[o][c][u][v] * x[n][c][i*stride_h + u - pad_h][j*stride_w + v - pad_w]
// The innermost loop over j walks a row of y and (for stride 1) a row of x
// one float at a time, with one weight held in a register: the compiler turns
// it into 16-wide vector FMAs. The border is handled by clipping the i and j
// ranges once per (u, v), instead of a test per multiply.
Tensor reordered_direct_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride,
                                Size2d padding) {
    const LadderShape s = check_forward("reordered_direct_forward", input, weight, bias, stride, padding);
    const Tensor x = plain(input), w = plain(weight), b = bias.defined() ? plain(bias) : Tensor();
    Tensor output = empty({s.batch, s.out_channels, s.out_height, s.out_width});
    const float* in = x.data<float>();
    const float* kernel = w.data<float>();
    float* out = output.data<float>();
    for (std::int64_t n = 0; n < s.batch; ++n) {
        for (std::int64_t o = 0; o < s.out_channels; ++o) {
            float* out_plane = out + (n * s.out_channels + o) * s.out_pixels();
            std::fill(out_plane, out_plane + s.out_pixels(), b.defined() ? b.data<float>()[o] : 0.0f);
            for (std::int64_t c = 0; c < s.in_channels; ++c) {
                const float* in_plane = in + (n * s.in_channels + c) * s.in_height * s.in_width;
                for (std::int64_t u = 0; u < s.kernel_height; ++u) {
                    const std::int64_t row_offset = u - padding.height;
                    const OutputRange rows = inside_image(row_offset, stride.height, s.in_height, s.out_height);
                    for (std::int64_t v = 0; v < s.kernel_width; ++v) {
                        const std::int64_t column_offset = v - padding.width;
                        const OutputRange columns = inside_image(column_offset, stride.width, s.in_width, s.out_width);
                        const float tap = kernel[((o * s.in_channels + c) * s.kernel_height + u) * s.kernel_width + v];
                        for (std::int64_t i = rows.begin; i < rows.end; ++i) {
                            const float* in_row = in_plane + (i * stride.height + row_offset) * s.in_width;
                            float* out_row = out_plane + i * s.out_width;
                            if (stride.width == 1) { // spelled out: plain vector loads instead of gathers
#pragma omp simd
                                for (std::int64_t j = columns.begin; j < columns.end; ++j) {
                                    out_row[j] += tap * in_row[j + column_offset];
                                }
                            } else {
#pragma omp simd
                                for (std::int64_t j = columns.begin; j < columns.end; ++j) {
                                    out_row[j] += tap * in_row[j * stride.width + column_offset];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return output;
}

// The same loop order serves all three gradients. For each (n, o, c, u, v)
// the innermost loop walks a row of dy[n][o] and the matching row of x[n][c]
// and dx[n][c]: it scatters w[o][c][u][v] * dy into dx, and sums x * dy into
// one register that becomes dw[o][c][u][v] (a vectorised reduction).
Conv2dGradients reordered_direct_backward(const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                          Size2d stride, Size2d padding) {
    const LadderShape s = check_backward("reordered_direct_backward", input, weight, grad_output, stride, padding);
    const Tensor x = plain(input), w = plain(weight), dy = plain(grad_output);
    Conv2dGradients grads{zeros(x.shape()), zeros(w.shape()), zeros({s.out_channels})};
    const float* in = x.data<float>();
    const float* kernel = w.data<float>();
    const float* out_grad = dy.data<float>();
    float* in_grad = grads.input.data<float>();
    float* kernel_grad = grads.weight.data<float>();
    float* bias_grad = grads.bias.data<float>();
    const std::int64_t plane_size = s.in_height * s.in_width;
    for (std::int64_t n = 0; n < s.batch; ++n) {
        for (std::int64_t o = 0; o < s.out_channels; ++o) {
            const float* out_grad_plane = out_grad + (n * s.out_channels + o) * s.out_pixels();
            float plane_sum = 0.0f; // db[o] += sum of dy[n][o]
#pragma omp simd reduction(+ : plane_sum)
            for (std::int64_t p = 0; p < s.out_pixels(); ++p) plane_sum += out_grad_plane[p];
            bias_grad[o] += plane_sum;
            for (std::int64_t c = 0; c < s.in_channels; ++c) {
                const float* in_plane = in + (n * s.in_channels + c) * plane_size;
                float* in_grad_plane = in_grad + (n * s.in_channels + c) * plane_size;
                for (std::int64_t u = 0; u < s.kernel_height; ++u) {
                    const std::int64_t row_offset = u - padding.height;
                    const OutputRange rows = inside_image(row_offset, stride.height, s.in_height, s.out_height);
                    for (std::int64_t v = 0; v < s.kernel_width; ++v) {
                        const std::int64_t column_offset = v - padding.width;
                        const OutputRange columns = inside_image(column_offset, stride.width, s.in_width, s.out_width);
                        const std::int64_t tap_index =
                            ((o * s.in_channels + c) * s.kernel_height + u) * s.kernel_width + v;
                        const float tap = kernel[tap_index];
                        float tap_grad = 0.0f;
                        for (std::int64_t i = rows.begin; i < rows.end; ++i) {
                            const std::int64_t row_start = (i * stride.height + row_offset) * s.in_width;
                            const float* in_row = in_plane + row_start;
                            float* in_grad_row = in_grad_plane + row_start;
                            const float* out_grad_row = out_grad_plane + i * s.out_width;
                            // Different j touch different x pixels (stride >= 1), so the scatter vectorises
                            // safely; unit stride is spelled out, as in the forward pass.
                            if (stride.width == 1) {
#pragma omp simd reduction(+ : tap_grad)
                                for (std::int64_t j = columns.begin; j < columns.end; ++j) {
                                    in_grad_row[j + column_offset] += tap * out_grad_row[j];
                                    tap_grad += in_row[j + column_offset] * out_grad_row[j];
                                }
                            } else {
#pragma omp simd reduction(+ : tap_grad)
                                for (std::int64_t j = columns.begin; j < columns.end; ++j) {
                                    const std::int64_t x_pos = j * stride.width + column_offset;
                                    in_grad_row[x_pos] += tap * out_grad_row[j];
                                    tap_grad += in_row[x_pos] * out_grad_row[j];
                                }
                            }
                        }
                        kernel_grad[tap_index] += tap_grad;
                    }
                }
            }
        }
    }
    return grads;
}

// --- 3.-6. im2col + GEMM ---------------------------------------------------------------

Tensor im2col_gemm_forward(GemmFunction gemm, int threads, const Tensor& input, const Tensor& weight,
                           const Tensor& bias, Size2d stride, Size2d padding) {
    const LadderShape s = check_forward("im2col_gemm_forward", input, weight, bias, stride, padding);
    if (threads < 1) fail("im2col_gemm_forward", "threads must be at least 1, got " + std::to_string(threads));
    const Tensor x = plain(input), w = plain(weight), b = bias.defined() ? plain(bias) : Tensor();
    Tensor output = empty({s.batch, s.out_channels, s.out_height, s.out_width});
    const std::int64_t rows = s.column_rows(), pixels = s.out_pixels();
    const float* kernel = w.data<float>();
    float* out = output.data<float>();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t n = 0; n < s.batch; ++n) {
        // x[n] [C_in, H, W] -> columns [K, P]
        const Tensor columns = detail::im2col(x.select(0, n), s.kernel(), stride, padding);
        // y[n] [C_out, P] = w [C_out, K] @ columns [K, P], written straight into the output
        float* image_out = out + n * s.out_channels * pixels;
        gemm(Transpose::No, Transpose::No, s.out_channels, pixels, rows, 1.0f, kernel, rows, columns.data<float>(),
             pixels, 0.0f, image_out, pixels);
        if (b.defined()) {
            for (std::int64_t o = 0; o < s.out_channels; ++o) {
                const float shift = b.data<float>()[o];
                for (std::int64_t p = 0; p < pixels; ++p) image_out[o * pixels + p] += shift;
            }
        }
    }
    return output;
}

Conv2dGradients im2col_gemm_backward(GemmFunction gemm, int threads, const Tensor& input, const Tensor& weight,
                                     const Tensor& grad_output, Size2d stride, Size2d padding) {
    const LadderShape s = check_backward("im2col_gemm_backward", input, weight, grad_output, stride, padding);
    if (threads < 1) fail("im2col_gemm_backward", "threads must be at least 1, got " + std::to_string(threads));
    const Tensor x = plain(input), w = plain(weight), dy = plain(grad_output);
    const std::int64_t rows = s.column_rows(), pixels = s.out_pixels();
    const Shape image_shape{s.in_channels, s.in_height, s.in_width};
    Tensor grad_input = empty(x.shape());
    // One dw [C_out, K] and one db [C_out] partial sum per thread, added up at the end.
    Tensor weight_partials = zeros({threads, s.out_channels * rows});
    Tensor bias_partials = zeros({threads, s.out_channels});
    const float* kernel = w.data<float>();
    const float* out_grad = dy.data<float>();
#pragma omp parallel num_threads(threads)
    {
        const int thread = omp_get_thread_num();
        float* kernel_grad = weight_partials.data<float>() + thread * s.out_channels * rows;
        float* bias_grad = bias_partials.data<float>() + thread * s.out_channels;
#pragma omp for schedule(static)
        for (std::int64_t n = 0; n < s.batch; ++n) {
            const float* image_out_grad = out_grad + n * s.out_channels * pixels; // dy[n] [C_out, P]
            const Tensor columns = detail::im2col(x.select(0, n), s.kernel(), stride, padding);
            // dw [C_out, K] += dy[n] [C_out, P] @ columnsᵀ [P, K]
            gemm(Transpose::No, Transpose::Yes, s.out_channels, rows, pixels, 1.0f, image_out_grad, pixels,
                 columns.data<float>(), pixels, 1.0f, kernel_grad, rows);
            // grad_columns [K, P] = wᵀ [K, C_out] @ dy[n] [C_out, P]
            Tensor grad_columns = empty({rows, pixels});
            gemm(Transpose::Yes, Transpose::No, rows, pixels, s.out_channels, 1.0f, kernel, rows, image_out_grad,
                 pixels, 0.0f, grad_columns.data<float>(), pixels);
            // dx[n] [C_in, H, W] = col2im(grad_columns)
            const Tensor image_grad = detail::col2im(grad_columns, image_shape, s.kernel(), stride, padding);
            std::copy_n(image_grad.data<float>(), s.image_size(), grad_input.data<float>() + n * s.image_size());
            // db[o] += sum of dy[n][o]
            for (std::int64_t o = 0; o < s.out_channels; ++o) {
                float total = 0.0f;
                for (std::int64_t p = 0; p < pixels; ++p) total += image_out_grad[o * pixels + p];
                bias_grad[o] += total;
            }
        }
    }
    return {grad_input, sum(weight_partials, {0}).view(w.shape()), sum(bias_partials, {0})};
}

// --- any rung by name -------------------------------------------------------------------

Tensor conv2d_forward(Rung rung, const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride,
                      Size2d padding) {
    switch (rung) {
    case Rung::NaiveDirect: return naive_direct_forward(input, weight, bias, stride, padding);
    case Rung::ReorderedDirect: return reordered_direct_forward(input, weight, bias, stride, padding);
    case Rung::Im2colNaiveGemm: return im2col_gemm_forward(naive_gemm, 1, input, weight, bias, stride, padding);
    case Rung::Im2colBlockedGemm: return im2col_gemm_forward(blocked_gemm, 1, input, weight, bias, stride, padding);
    case Rung::Im2colOpenBlas: return im2col_gemm_forward(openblas_gemm, 1, input, weight, bias, stride, padding);
    case Rung::Im2colOpenBlasThreads:
        return im2col_gemm_forward(openblas_gemm, get_num_threads(), input, weight, bias, stride, padding);
    }
    throw std::invalid_argument("conv2d_forward: no rung number " + std::to_string(static_cast<int>(rung)));
}

Conv2dGradients conv2d_backward(Rung rung, const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                Size2d stride, Size2d padding) {
    switch (rung) {
    case Rung::NaiveDirect: return naive_direct_backward(input, weight, grad_output, stride, padding);
    case Rung::ReorderedDirect: return reordered_direct_backward(input, weight, grad_output, stride, padding);
    case Rung::Im2colNaiveGemm:
        return im2col_gemm_backward(naive_gemm, 1, input, weight, grad_output, stride, padding);
    case Rung::Im2colBlockedGemm:
        return im2col_gemm_backward(blocked_gemm, 1, input, weight, grad_output, stride, padding);
    case Rung::Im2colOpenBlas:
        return im2col_gemm_backward(openblas_gemm, 1, input, weight, grad_output, stride, padding);
    case Rung::Im2colOpenBlasThreads:
        return im2col_gemm_backward(openblas_gemm, get_num_threads(), input, weight, grad_output, stride, padding);
    }
    throw std::invalid_argument("conv2d_backward: no rung number " + std::to_string(static_cast<int>(rung)));
}

} // namespace kindling::nn::ladder
