// Conv2d the fast way: im2col + one GEMM per group.
//
// im2col copies every receptive field of an image into one column of a
// matrix; the convolution is then a single matrix product with the weights
// viewed as a matrix (one row per output channel):
//
//   weight  [C_out, C_in*kh*kw]  @  columns [C_in*kh*kw, H_out*W_out]  =  y[n]  [C_out, H_out*W_out]
//
// and y[n] is already image n of the output in [N, C_out, H_out, W_out]
// layout: the GEMM writes straight into the output tensor. With groups, the
// rows of `columns` split into `groups` blocks of C_in/groups channels each,
// and group g multiplies its weight rows with its block of rows.
//
// The backward pass uses the same matrices:
//   dW = dY @ columnsᵀ         [C_out, P] @ [P, K] -> [C_out, K]     (summed over images)
//   dX = col2im(Wᵀ @ dY)       [K, C_out] @ [C_out, P] -> [K, P] -> [C_in, H, W]
//   db = sum of dY over images and pixels
// with K = C_in/groups*kh*kw rows and P = H_out*W_out pixels per image.
//
// Speed, in three decisions:
//  1. Threads: OpenMP over chunks of images, each thread running its own
//     single-threaded GEMMs; or, when there are fewer chunks than threads
//     (N = 1 at inference), one chunk at a time, each GEMM split across the
//     threads by blas_gemm (see tensor/parallel.hpp).
//  2. Memory: the columns live in a per-thread workspace that grows to the
//     largest layer and is then reused: no megabyte-sized malloc/free (and its
//     page faults) per call. The backward pass recomputes the columns instead
//     of keeping N of them alive from the forward pass.
//  3. Shapes: a 1x1 stride-1 unpadded conv needs no im2col (the image already
//     is its column matrix); small images are batched several to a GEMM so
//     that its matrices stay wide enough for BLAS to run at full speed.
#include "nn/conv2d.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include "autograd/node.hpp"
#include "tensor/blas.hpp"
#include "tensor/parallel.hpp"

namespace kindling::nn {

std::string Size2d::to_string() const {
    std::string text = "(";
    text += std::to_string(height);
    text += ", ";
    text += std::to_string(width);
    return text + ")";
}

std::int64_t conv_output_size(std::int64_t input_size, std::int64_t kernel_size, std::int64_t stride,
                              std::int64_t padding, std::int64_t dilation, const char* op) {
    const std::int64_t receptive_field = dilation * (kernel_size - 1) + 1;
    const std::int64_t padded = input_size + 2 * padding;
    if (padded < receptive_field) {
        throw std::invalid_argument(std::string(op) + ": the padded input size " + std::to_string(padded) +
                                    " is smaller than the (dilated) kernel size " + std::to_string(receptive_field));
    }
    return (padded - receptive_field) / stride + 1;
}

namespace {

// Everything about one conv2d call that the kernels need, checked once.
struct ConvGeometry {
    std::int64_t batch = 0, in_channels = 0, in_height = 0, in_width = 0;
    std::int64_t out_channels = 0, out_height = 0, out_width = 0;
    Size2d kernel = 1, stride = 1, padding = 0, dilation = 1;
    std::int64_t groups = 1;

    std::int64_t image_size() const { return in_channels * in_height * in_width; }
    std::int64_t out_pixels() const { return out_height * out_width; }
    std::int64_t column_rows() const { return in_channels * kernel.height * kernel.width; }
    std::int64_t group_column_rows() const { return column_rows() / groups; } // K in the header comment
    std::int64_t group_out_channels() const { return out_channels / groups; }
    // A 1x1 kernel with stride 1 and no padding: columns == the image itself.
    bool is_pointwise() const { return kernel == Size2d(1) && stride == Size2d(1) && padding == Size2d(0); }
};

void check_window(Size2d kernel, Size2d stride, Size2d padding, Size2d dilation, const char* op) {
    auto require = [op](bool ok, const char* what, Size2d value) {
        if (!ok) throw std::invalid_argument(std::string(op) + ": " + what + ", got " + value.to_string());
    };
    require(kernel.height >= 1 && kernel.width >= 1, "kernel_size must be at least 1", kernel);
    require(stride.height >= 1 && stride.width >= 1, "stride must be at least 1", stride);
    require(padding.height >= 0 && padding.width >= 0, "padding must be non-negative", padding);
    require(dilation.height >= 1 && dilation.width >= 1, "dilation must be at least 1", dilation);
}

ConvGeometry image_geometry(const Shape& image_shape, Size2d kernel, Size2d stride, Size2d padding, Size2d dilation,
                            const char* op) {
    check_window(kernel, stride, padding, dilation, op);
    if (image_shape.size() != 3) {
        throw std::invalid_argument(std::string(op) + ": expected an image [C, H, W], got shape " +
                                    shape_to_string(image_shape));
    }
    ConvGeometry g;
    g.batch = 1;
    g.in_channels = image_shape[0];
    g.in_height = image_shape[1];
    g.in_width = image_shape[2];
    g.kernel = kernel;
    g.stride = stride;
    g.padding = padding;
    g.dilation = dilation;
    g.out_height = conv_output_size(g.in_height, kernel.height, stride.height, padding.height, dilation.height, op);
    g.out_width = conv_output_size(g.in_width, kernel.width, stride.width, padding.width, dilation.width, op);
    return g;
}

ConvGeometry conv2d_geometry(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride,
                             Size2d padding, Size2d dilation, std::int64_t groups) {
    auto fail = [](const std::string& why) { throw std::invalid_argument("conv2d: " + why); };
    if (input.dim() != 4) fail("expected input [N, C, H, W], got shape " + shape_to_string(input.shape()));
    if (weight.dim() != 4) {
        fail("expected weight [C_out, C_in/groups, kh, kw], got shape " + shape_to_string(weight.shape()));
    }
    if (weight.dtype() != input.dtype() || (bias.defined() && bias.dtype() != input.dtype())) {
        fail(std::string("dtype mismatch: input ") + dtype_name(input.dtype()) + ", weight " +
             dtype_name(weight.dtype()) + (bias.defined() ? std::string(", bias ") + dtype_name(bias.dtype()) : ""));
    }
    if (groups < 1) fail("groups must be at least 1, got " + std::to_string(groups));
    const std::int64_t in_channels = input.size(1), out_channels = weight.size(0);
    if (in_channels % groups != 0 || out_channels % groups != 0) {
        fail("groups=" + std::to_string(groups) + " must divide in_channels=" + std::to_string(in_channels) +
             " and out_channels=" + std::to_string(out_channels));
    }
    if (weight.size(1) * groups != in_channels) {
        fail("input " + shape_to_string(input.shape()) + " has " + std::to_string(in_channels) +
             " channels but weight " + shape_to_string(weight.shape()) + " with groups=" + std::to_string(groups) +
             " expects " + std::to_string(weight.size(1) * groups));
    }
    if (bias.defined() && bias.shape() != Shape{out_channels}) {
        fail("expected bias [" + std::to_string(out_channels) + "], got shape " + shape_to_string(bias.shape()));
    }
    ConvGeometry g = image_geometry({in_channels, input.size(2), input.size(3)}, {weight.size(2), weight.size(3)},
                                    stride, padding, dilation, "conv2d");
    g.batch = input.size(0);
    g.out_channels = out_channels;
    g.groups = groups;
    return g;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// --- im2col and col2im on raw memory ------------------------------------------

// The outputs j in [begin, end) whose input position j*stride + offset falls
// inside [0, size); outside it the padding reads as zero.
struct ValidRange {
    std::int64_t begin, end;
};
ValidRange inside_outputs(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t output_size) {
    const std::int64_t begin = offset >= 0 ? 0 : ceil_div(-offset, stride);
    const std::int64_t end = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
    const std::int64_t clamped_end = std::min(end, output_size);
    return {std::min(begin, clamped_end), clamped_end};
}

// image [C, H, W] -> columns [C*kh*kw, H_out*W_out], whose rows are
// `row_stride` apart (so several images can sit side by side in one matrix).
// One row per (c, u, v): the image shifted by kernel offset (u, v) and
// sampled on the output grid; a contiguous copy when stride_w == 1.
template <typename T> void im2col_kernel(const T* image, const ConvGeometry& g, T* columns, std::int64_t row_stride) {
    const std::int64_t width = g.in_width, out_width = g.out_width, column_stride = g.stride.width;
    for (std::int64_t c = 0; c < g.in_channels; ++c) {
        for (std::int64_t u = 0; u < g.kernel.height; ++u) {
            for (std::int64_t v = 0; v < g.kernel.width; ++v) {
                T* row = columns + ((c * g.kernel.height + u) * g.kernel.width + v) * row_stride;
                const std::int64_t x_offset = v * g.dilation.width - g.padding.width;
                const ValidRange inside = inside_outputs(x_offset, column_stride, width, out_width);
                for (std::int64_t i = 0; i < g.out_height; ++i) {
                    T* out_row = row + i * out_width;
                    const std::int64_t y = i * g.stride.height - g.padding.height + u * g.dilation.height;
                    if (y < 0 || y >= g.in_height) {
                        std::fill(out_row, out_row + out_width, T(0));
                        continue;
                    }
                    const T* in_row = image + (c * g.in_height + y) * width;
                    std::fill(out_row, out_row + inside.begin, T(0));
                    if (column_stride == 1) {
                        std::copy(in_row + (inside.begin + x_offset), in_row + (inside.end + x_offset),
                                  out_row + inside.begin);
                    } else {
                        for (std::int64_t j = inside.begin; j < inside.end; ++j) {
                            out_row[j] = in_row[j * column_stride + x_offset];
                        }
                    }
                    std::fill(out_row + inside.end, out_row + out_width, T(0));
                }
            }
        }
    }
}

// The adjoint: image [C, H, W] += every entry of columns, added back onto the
// pixel im2col copied it from. The caller zeroes the image first.
template <typename T> void col2im_kernel(const T* columns, std::int64_t row_stride, const ConvGeometry& g, T* image) {
    const std::int64_t width = g.in_width, out_width = g.out_width, column_stride = g.stride.width;
    for (std::int64_t c = 0; c < g.in_channels; ++c) {
        for (std::int64_t u = 0; u < g.kernel.height; ++u) {
            for (std::int64_t v = 0; v < g.kernel.width; ++v) {
                const T* row = columns + ((c * g.kernel.height + u) * g.kernel.width + v) * row_stride;
                const std::int64_t x_offset = v * g.dilation.width - g.padding.width;
                const ValidRange inside = inside_outputs(x_offset, column_stride, width, out_width);
                for (std::int64_t i = 0; i < g.out_height; ++i) {
                    const std::int64_t y = i * g.stride.height - g.padding.height + u * g.dilation.height;
                    if (y < 0 || y >= g.in_height) continue;
                    const T* column_row = row + i * out_width;
                    T* image_row = image + (c * g.in_height + y) * width;
                    for (std::int64_t j = inside.begin; j < inside.end; ++j) {
                        image_row[j * column_stride + x_offset] += column_row[j];
                    }
                }
            }
        }
    }
}

// --- BLAS, workspaces and the thread schedule ---------------------------------

// A scratch buffer that grows to the largest request and then stays: a
// training loop asks for the same sizes every step, so after the first step
// no memory is allocated (or page-faulted in) at all.
class Workspace {
public:
    template <typename T> T* get(std::int64_t count) {
        const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(T);
        if (bytes > capacity_) {
            const std::size_t rounded = (bytes + 63) / 64 * 64;
            memory_.reset(std::aligned_alloc(64, rounded));
            if (!memory_) throw std::bad_alloc();
            capacity_ = rounded;
        }
        return static_cast<T*>(memory_.get());
    }

private:
    struct Free {
        void operator()(void* pointer) const { std::free(pointer); }
    };
    std::unique_ptr<void, Free> memory_;
    std::size_t capacity_ = 0;
};

// Each thread has its own: one for the column matrix, one for staging a
// chunk's output (or output gradient) when several images share a GEMM.
enum class Buffer { Columns = 0, Staging = 1 };
template <typename T> T* thread_buffer(Buffer which, std::int64_t count) {
    thread_local std::array<Workspace, 2> workspaces;
    return workspaces[static_cast<std::size_t>(which)].get<T>(count);
}

// A GEMM narrower than this many columns runs well below BLAS's peak, so
// images smaller than this are grouped into one wider GEMM.
constexpr std::int64_t min_gemm_columns = 256;

struct Schedule {
    std::int64_t images_per_chunk;
    std::int64_t chunk_count;
    bool parallel_over_chunks; // else: chunks in turn, each GEMM split across the threads
};

// Below this many multiply-adds a conv is done before a thread team wakes up.
constexpr std::int64_t min_parallel_multiply_adds = 1 << 20;

Schedule make_schedule(const ConvGeometry& g) {
    const std::int64_t multiply_adds = g.batch * g.out_channels * g.group_column_rows() * g.out_pixels();
    const std::int64_t threads = multiply_adds < min_parallel_multiply_adds ? 1 : get_num_threads();
    std::int64_t images = g.is_pointwise() ? 1 : ceil_div(min_gemm_columns, std::max<std::int64_t>(g.out_pixels(), 1));
    // Never so many images per chunk that a thread is left without a chunk.
    images = std::clamp<std::int64_t>(images, 1, std::max<std::int64_t>(1, g.batch / threads));
    const std::int64_t chunks = ceil_div(g.batch, images);
    return {images, chunks, threads > 1 && chunks >= threads};
}

// Runs body(chunk, thread) for every chunk, following the schedule.
template <typename Body> void for_each_chunk(const Schedule& schedule, Body&& body) {
    if (!schedule.parallel_over_chunks) {
        for (std::int64_t chunk = 0; chunk < schedule.chunk_count; ++chunk) body(chunk, 0);
        return;
    }
#pragma omp parallel for schedule(static)
    for (std::int64_t chunk = 0; chunk < schedule.chunk_count; ++chunk) body(chunk, omp_get_thread_num());
}

// The images [first, first + count) of a chunk.
struct Chunk {
    std::int64_t first, count;
};
Chunk chunk_images(const Schedule& schedule, const ConvGeometry& g, std::int64_t chunk) {
    const std::int64_t first = chunk * schedule.images_per_chunk;
    return {first, std::min(schedule.images_per_chunk, g.batch - first)};
}

// The column matrix of a chunk: [C_in*kh*kw, count*P], image b in columns
// [b*P, (b+1)*P). For a pointwise conv it is the input image itself.
template <typename T> const T* chunk_columns(const T* input, const ConvGeometry& g, Chunk chunk) {
    if (g.is_pointwise()) return input + chunk.first * g.image_size();
    const std::int64_t width = chunk.count * g.out_pixels();
    T* columns = thread_buffer<T>(Buffer::Columns, g.column_rows() * width);
    for (std::int64_t b = 0; b < chunk.count; ++b) {
        im2col_kernel(input + (chunk.first + b) * g.image_size(), g, columns + b * g.out_pixels(), width);
    }
    return columns;
}

// --- forward --------------------------------------------------------------------

// x [N, C_in, H, W], w [C_out, K], b [C_out] or null -> y [N, C_out, H_out, W_out]
template <typename T>
void conv2d_forward_kernel(const T* input, const T* weight, const T* bias, T* output, const ConvGeometry& g) {
    const Schedule schedule = make_schedule(g);
    const std::int64_t pixels = g.out_pixels(), rows = g.group_column_rows(), group_out = g.group_out_channels();
    for_each_chunk(schedule, [&](std::int64_t chunk_index, int) {
        const Chunk chunk = chunk_images(schedule, g, chunk_index);
        const std::int64_t width = chunk.count * pixels;
        // columns: [C_in*kh*kw, count*P]
        const T* columns = chunk_columns(input, g, chunk);
        // result: [C_out, count*P]. For a single image that is exactly y[n], so
        // the GEMM writes into the output; else it is staged and copied out.
        T* image_output = output + chunk.first * g.out_channels * pixels;
        T* result = chunk.count == 1 ? image_output : thread_buffer<T>(Buffer::Staging, g.out_channels * width);
        for (std::int64_t group = 0; group < g.groups; ++group) {
            // w_g [C_out/groups, K] @ columns_g [K, count*P] -> result_g [C_out/groups, count*P]
            blas_gemm(false, false, group_out, width, rows, T(1), weight + group * group_out * rows, rows,
                    columns + group * rows * width, width, T(0), result + group * group_out * width, width);
        }
        // y[n][o][:] = result[o][b*P : (b+1)*P] + b[o]
        for (std::int64_t b = 0; b < chunk.count; ++b) {
            for (std::int64_t o = 0; o < g.out_channels; ++o) {
                T* destination = image_output + (b * g.out_channels + o) * pixels;
                const T* source = result + o * width + b * pixels;
                const T shift = bias != nullptr ? bias[o] : T(0);
                for (std::int64_t p = 0; p < pixels; ++p) destination[p] = source[p] + shift;
            }
        }
    });
}

// --- backward -------------------------------------------------------------------

// total [size] = the sum of `slots` partial sums stored one after another.
template <typename T> void sum_partials(const std::vector<T>& partials, std::int64_t slots, T* total) {
    const std::int64_t size = static_cast<std::int64_t>(partials.size()) / slots;
    std::fill(total, total + size, T(0));
    for (std::int64_t slot = 0; slot < slots; ++slot) {
        for (std::int64_t e = 0; e < size; ++e) total[e] += partials[slot * size + e];
    }
}

// From dY [N, C_out, H_out, W_out], any of: dX [N, C_in, H, W], dW [C_out, K],
// db [C_out] (a null pointer means "not wanted").
template <typename T>
void conv2d_backward_kernel(const T* input, const T* weight, const T* grad_output, const ConvGeometry& g,
                            T* grad_input, T* grad_weight, T* grad_bias) {
    const Schedule schedule = make_schedule(g);
    const std::int64_t pixels = g.out_pixels(), rows = g.group_column_rows(), group_out = g.group_out_channels();
    const std::int64_t weight_size = g.out_channels * rows;
    // Each thread sums dW and db over its own images; the partial sums are
    // added up after the loop (they are small: one weight's worth per thread).
    const std::int64_t slots = schedule.parallel_over_chunks ? get_num_threads() : 1;
    std::vector<T> weight_partials(grad_weight != nullptr ? slots * weight_size : 0, T(0));
    std::vector<T> bias_partials(grad_bias != nullptr ? slots * g.out_channels : 0, T(0));

    for_each_chunk(schedule, [&](std::int64_t chunk_index, int thread) {
        const Chunk chunk = chunk_images(schedule, g, chunk_index);
        const std::int64_t width = chunk.count * pixels;
        // dy: [C_out, count*P], gathered from the chunk's images when there are several.
        const T* image_grad_output = grad_output + chunk.first * g.out_channels * pixels;
        const T* dy = image_grad_output;
        if (chunk.count > 1) {
            T* staged = thread_buffer<T>(Buffer::Staging, g.out_channels * width);
            for (std::int64_t b = 0; b < chunk.count; ++b) {
                for (std::int64_t o = 0; o < g.out_channels; ++o) {
                    const T* source = image_grad_output + (b * g.out_channels + o) * pixels;
                    std::copy(source, source + pixels, staged + o * width + b * pixels);
                }
            }
            dy = staged;
        }
        if (grad_bias != nullptr) {
            // db[o] += sum of dy[o][:]
            T* partial = bias_partials.data() + thread * g.out_channels;
            for (std::int64_t o = 0; o < g.out_channels; ++o) {
                T total = 0;
                // simd reduction: the compiler may add in vector lanes (a different
                // rounding order); a plain loop is one long dependency chain.
#pragma omp simd reduction(+ : total)
                for (std::int64_t p = 0; p < width; ++p) total += dy[o * width + p];
                partial[o] += total;
            }
        }
        if (grad_weight != nullptr) {
            const T* columns = chunk_columns(input, g, chunk);
            T* partial = weight_partials.data() + thread * weight_size;
            for (std::int64_t group = 0; group < g.groups; ++group) {
                // dW_g [C_out/groups, K] += dy_g [C_out/groups, count*P] @ columns_gᵀ [count*P, K]
                blas_gemm(false, true, group_out, rows, width, T(1), dy + group * group_out * width, width,
                        columns + group * rows * width, width, T(1), partial + group * group_out * rows, rows);
            }
        }
        if (grad_input != nullptr) {
            T* image_grad_input = grad_input + chunk.first * g.image_size();
            if (g.is_pointwise()) {
                // dX[n]_g [C_in/groups, H*W] = w_gᵀ [C_in/groups, C_out/groups] @ dy_g [C_out/groups, H*W]
                for (std::int64_t group = 0; group < g.groups; ++group) {
                    blas_gemm(true, false, rows, pixels, group_out, T(1), weight + group * group_out * rows, rows,
                            dy + group * group_out * pixels, pixels, T(0), image_grad_input + group * rows * pixels,
                            pixels);
                }
                return;
            }
            // grad_columns [C_in*kh*kw, count*P], in the columns buffer (dW is done with it).
            T* grad_columns = thread_buffer<T>(Buffer::Columns, g.column_rows() * width);
            for (std::int64_t group = 0; group < g.groups; ++group) {
                // grad_columns_g [K, count*P] = w_gᵀ [K, C_out/groups] @ dy_g [C_out/groups, count*P]
                blas_gemm(true, false, rows, width, group_out, T(1), weight + group * group_out * rows, rows,
                        dy + group * group_out * width, width, T(0), grad_columns + group * rows * width, width);
            }
            // dX[n] = col2im(grad_columns of image n)
            for (std::int64_t b = 0; b < chunk.count; ++b) {
                T* image = image_grad_input + b * g.image_size();
                std::fill(image, image + g.image_size(), T(0));
                col2im_kernel(grad_columns + b * pixels, width, g, image);
            }
        }
    });

    if (grad_weight != nullptr) sum_partials(weight_partials, slots, grad_weight);
    if (grad_bias != nullptr) sum_partials(bias_partials, slots, grad_bias);
}

} // namespace

// --- the differentiable op ------------------------------------------------------

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride, Size2d padding,
              Size2d dilation, std::int64_t groups) {
    const ConvGeometry geometry = conv2d_geometry(input, weight, bias, stride, padding, dilation, groups);
    // The kernels read plain row-major memory; detach() because the graph
    // edges go to the caller's tensors, recorded below.
    const Tensor x = input.detach().contiguous();
    const Tensor w = weight.detach().contiguous();
    const Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
    Tensor output =
        empty({geometry.batch, geometry.out_channels, geometry.out_height, geometry.out_width}, x.dtype());
    visit_floating(x.dtype(), "conv2d", [&]<typename T>() {
        conv2d_forward_kernel<T>(x.data<T>(), w.data<T>(), b.defined() ? b.data<T>() : nullptr, output.data<T>(),
                                 geometry);
    });
    const bool wants_input = input.requires_grad(), wants_weight = weight.requires_grad();
    const bool wants_bias = bias.defined() && bias.requires_grad();
    return autograd::record("conv2d", output, {input, weight, bias},
                            [x, w, geometry, wants_input, wants_weight, wants_bias](const Tensor& grad) {
        const Tensor grad_output = grad.contiguous();
        Tensor grad_input = wants_input ? empty(x.shape(), x.dtype()) : Tensor();
        Tensor grad_weight = wants_weight ? empty(w.shape(), w.dtype()) : Tensor();
        Tensor grad_bias = wants_bias ? empty({geometry.out_channels}, w.dtype()) : Tensor();
        visit_floating(x.dtype(), "conv2d backward", [&]<typename T>() {
            auto pointer = [](Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
            conv2d_backward_kernel<T>(x.data<T>(), w.data<T>(), grad_output.data<T>(), geometry, pointer(grad_input),
                                      pointer(grad_weight), pointer(grad_bias));
        });
        return std::vector<Tensor>{grad_input, grad_weight, grad_bias};
    });
}

// --- im2col / col2im as tensors, for tests and benchmarks -----------------------

namespace detail {

Tensor im2col(const Tensor& image, Size2d kernel_size, Size2d stride, Size2d padding, Size2d dilation) {
    const ConvGeometry g = image_geometry(image.shape(), kernel_size, stride, padding, dilation, "im2col");
    const Tensor source = image.detach().contiguous();
    Tensor columns = empty({g.column_rows(), g.out_pixels()}, image.dtype());
    visit_floating(image.dtype(), "im2col", [&]<typename T>() {
        im2col_kernel(source.data<T>(), g, columns.data<T>(), g.out_pixels());
    });
    return columns;
}

Tensor col2im(const Tensor& columns, const Shape& image_shape, Size2d kernel_size, Size2d stride, Size2d padding,
              Size2d dilation) {
    const ConvGeometry g = image_geometry(image_shape, kernel_size, stride, padding, dilation, "col2im");
    const Shape expected{g.column_rows(), g.out_pixels()};
    if (columns.shape() != expected) {
        throw std::invalid_argument("col2im: for image " + shape_to_string(image_shape) + " expected columns " +
                                    shape_to_string(expected) + ", got " + shape_to_string(columns.shape()));
    }
    const Tensor source = columns.detach().contiguous();
    Tensor image = zeros(image_shape, columns.dtype());
    visit_floating(columns.dtype(), "col2im", [&]<typename T>() {
        col2im_kernel(source.data<T>(), g.out_pixels(), g, image.data<T>());
    });
    return image;
}

} // namespace detail

// --- the layer --------------------------------------------------------------------

Conv2d::Conv2d(std::int64_t in_channels_, std::int64_t out_channels_, Size2d kernel_size_, Size2d stride_,
               Size2d padding_, Size2d dilation_, std::int64_t groups_, bool with_bias, Generator& generator)
    : in_channels(in_channels_), out_channels(out_channels_), kernel_size(kernel_size_), stride(stride_),
      padding(padding_), dilation(dilation_), groups(groups_) {
    check_window(kernel_size, stride, padding, dilation, "Conv2d");
    if (in_channels < 1 || out_channels < 1 || groups < 1 || in_channels % groups != 0 ||
        out_channels % groups != 0) {
        throw std::invalid_argument("Conv2d: in_channels=" + std::to_string(in_channels) + " and out_channels=" +
                                    std::to_string(out_channels) + " must be positive multiples of groups=" +
                                    std::to_string(groups));
    }
    // PyTorch's reset_parameters(): kaiming_uniform(a = sqrt(5)) has bound
    // gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + 5)), i.e. 1/sqrt(fan_in).
    const std::int64_t fan_in = in_channels / groups * kernel_size.height * kernel_size.width;
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    Tensor initial_weight = empty({out_channels, in_channels / groups, kernel_size.height, kernel_size.width});
    uniform_(initial_weight, -bound, bound, generator);
    weight = register_parameter("weight", initial_weight);
    if (with_bias) {
        Tensor initial_bias = empty({out_channels});
        uniform_(initial_bias, -bound, bound, generator);
        bias = register_parameter("bias", initial_bias);
    }
}

Tensor Conv2d::forward(const Tensor& input) { return conv2d(input, weight, bias, stride, padding, dilation, groups); }

// Like PyTorch: "3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)";
// padding, dilation, groups and bias only when not the default.
std::string Conv2d::extra_repr() const {
    std::string text = std::to_string(in_channels) + ", " + std::to_string(out_channels) +
                       ", kernel_size=" + kernel_size.to_string() + ", stride=" + stride.to_string();
    if (padding != Size2d(0)) text += ", padding=" + padding.to_string();
    if (dilation != Size2d(1)) text += ", dilation=" + dilation.to_string();
    if (groups != 1) text += ", groups=" + std::to_string(groups);
    if (!bias.defined()) text += ", bias=False";
    return text;
}

} // namespace kindling::nn
