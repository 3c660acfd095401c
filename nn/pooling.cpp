// MaxPool2d, AvgPool2d and AdaptiveAvgPool2d: forward and backward side by side.
//
// All three slide a window over each plane (one channel of one image) on its
// own. A window is a rectangle, the product of a row span and a column span,
// so the spans are computed once per dimension (a "plan") and every kernel
// below is a loop over output pixels and their window:
//
//   max:      y[i][j] = max over the window of x,   remembered where (index)
//             dx[index[i][j]] += dy[i][j]
//   average:  y[i][j] = sum over the window of x / divisor(i, j)
//             dx[window of (i, j)] += dy[i][j] / divisor(i, j)
//
// AvgPool and AdaptiveAvgPool differ only in their spans and divisors, so they
// share the averaging kernels. Planes are independent: OpenMP runs over them
// when there is enough work to pay for waking the threads.
#include "nn/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "autograd/node.hpp"

namespace kindling::nn {

std::int64_t pool_output_size(std::int64_t input_size, std::int64_t kernel_size, std::int64_t stride,
                              std::int64_t padding, bool ceil_mode, const char* op) {
    if (kernel_size < 1 || stride < 1 || padding < 0) {
        throw std::invalid_argument(std::string(op) + ": kernel_size and stride must be at least 1 and padding "
                                    "non-negative, got kernel_size " + std::to_string(kernel_size) + ", stride " +
                                    std::to_string(stride) + ", padding " + std::to_string(padding));
    }
    if (2 * padding > kernel_size) {
        throw std::invalid_argument(std::string(op) + ": padding " + std::to_string(padding) +
                                    " must be at most half the kernel size " + std::to_string(kernel_size));
    }
    const std::int64_t span = input_size + 2 * padding - kernel_size;
    if (span < 0) {
        throw std::invalid_argument(std::string(op) + ": the padded input size " +
                                    std::to_string(input_size + 2 * padding) + " is smaller than the kernel size " +
                                    std::to_string(kernel_size));
    }
    std::int64_t output_size = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
    // With ceil_mode the last window may not start in the right padding:
    // it would see no input at all.
    if (ceil_mode && (output_size - 1) * stride >= input_size + padding) --output_size;
    return output_size;
}

namespace {

// The window of one output position along one dimension: input positions
// [begin, end), and how many positions the average divides by along it.
struct Span {
    std::int64_t begin, end, divisor;
};

// What every pooling kernel needs to know.
struct PoolPlan {
    Shape output_shape;             // input's leading dims + [H_out, W_out]
    std::int64_t planes = 0;        // N*C
    std::int64_t in_height = 0, in_width = 0;
    std::vector<Span> rows, columns; // the window of each output row / column

    std::int64_t out_height() const { return static_cast<std::int64_t>(rows.size()); }
    std::int64_t out_width() const { return static_cast<std::int64_t>(columns.size()); }
    std::int64_t in_plane() const { return in_height * in_width; }
    std::int64_t out_plane() const { return out_height() * out_width(); }
};

// Windows of a sliding pool along one dimension, clipped to the input. The
// divisor counts the padding too (count_include_pad) or only real inputs.
std::vector<Span> sliding_spans(std::int64_t input_size, std::int64_t output_size, std::int64_t kernel_size,
                                std::int64_t stride, std::int64_t padding, bool count_include_pad) {
    std::vector<Span> spans;
    for (std::int64_t i = 0; i < output_size; ++i) {
        const std::int64_t start = i * stride - padding;
        // The window may hang into the padding on either side, never beyond it (ceil_mode's last window).
        const std::int64_t padded_end = std::min(start + kernel_size, input_size + padding);
        const std::int64_t begin = std::max<std::int64_t>(start, 0), end = std::min(padded_end, input_size);
        spans.push_back({begin, end, count_include_pad ? padded_end - start : end - begin});
    }
    return spans;
}

// Adaptive windows: output i of `output_size` covers [floor(i*in/out), ceil((i+1)*in/out)).
std::vector<Span> adaptive_spans(std::int64_t input_size, std::int64_t output_size) {
    std::vector<Span> spans;
    for (std::int64_t i = 0; i < output_size; ++i) {
        const std::int64_t begin = i * input_size / output_size;
        const std::int64_t end = ((i + 1) * input_size + output_size - 1) / output_size;
        spans.push_back({begin, end, end - begin});
    }
    return spans;
}

// Checks the input ([N, C, H, W] or [C, H, W], float) and fills everything
// but the spans.
PoolPlan plan_for(const Tensor& input, std::int64_t out_height, std::int64_t out_width, const char* op) {
    if (input.dim() != 3 && input.dim() != 4) {
        throw std::invalid_argument(std::string(op) + ": expected input [N, C, H, W] or [C, H, W], got shape " +
                                    shape_to_string(input.shape()));
    }
    if (!is_floating(input.dtype())) {
        throw std::invalid_argument(std::string(op) + ": expected a float32 or float64 input, got " +
                                    dtype_name(input.dtype()));
    }
    PoolPlan plan;
    plan.output_shape = Shape(input.shape().begin(), input.shape().end() - 2);
    plan.planes = shape_numel(plan.output_shape);
    plan.output_shape.insert(plan.output_shape.end(), {out_height, out_width});
    plan.in_height = input.size(-2);
    plan.in_width = input.size(-1);
    return plan;
}

PoolPlan sliding_plan(const Tensor& input, Size2d kernel, std::optional<Size2d> stride_or_kernel, Size2d padding,
                      bool ceil_mode, bool count_include_pad, const char* op) {
    const Size2d stride = stride_or_kernel.value_or(kernel);
    if (input.dim() < 2) {
        throw std::invalid_argument(std::string(op) + ": expected input [N, C, H, W] or [C, H, W], got shape " +
                                    shape_to_string(input.shape()));
    }
    const std::int64_t height = input.size(-2), width = input.size(-1);
    const std::int64_t out_height = pool_output_size(height, kernel.height, stride.height, padding.height, ceil_mode, op);
    const std::int64_t out_width = pool_output_size(width, kernel.width, stride.width, padding.width, ceil_mode, op);
    PoolPlan plan = plan_for(input, out_height, out_width, op);
    plan.rows = sliding_spans(height, out_height, kernel.height, stride.height, padding.height, count_include_pad);
    plan.columns = sliding_spans(width, out_width, kernel.width, stride.width, padding.width, count_include_pad);
    return plan;
}

// Below this many window reads, a pool is done before a thread team wakes up.
constexpr std::int64_t min_parallel_reads = 1 << 16;

// body(plane) for every plane, in parallel when the work is worth it.
template <typename Body> void for_each_plane(const PoolPlan& plan, Body&& body) {
    std::int64_t reads_per_plane = 0;
    for (const Span& row : plan.rows) {
        for (const Span& column : plan.columns) reads_per_plane += (row.end - row.begin) * (column.end - column.begin);
    }
    const bool parallel = plan.planes * reads_per_plane >= min_parallel_reads;
#pragma omp parallel for if (parallel) schedule(static)
    for (std::int64_t plane = 0; plane < plan.planes; ++plane) body(plane);
}

// --- max ----------------------------------------------------------------------------

// x plane [H, W] -> y [H_out, W_out] and the flat index y*W + x of each maximum.
// Padding is -inf: only real pixels are compared. `value > best` keeps the
// first of equal maxima; a NaN wins so that it propagates, as in PyTorch.
template <typename T>
void max_pool_forward(const T* input, const PoolPlan& plan, T* output, std::int64_t* indices) {
    for_each_plane(plan, [&](std::int64_t plane) {
        const T* x = input + plane * plan.in_plane();
        T* y = output + plane * plan.out_plane();
        std::int64_t* index = indices + plane * plan.out_plane();
        for (std::int64_t i = 0; i < plan.out_height(); ++i) {
            const Span rows = plan.rows[static_cast<std::size_t>(i)];
            for (std::int64_t j = 0; j < plan.out_width(); ++j) {
                const Span columns = plan.columns[static_cast<std::size_t>(j)];
                T best = -std::numeric_limits<T>::infinity();
                std::int64_t best_index = rows.begin * plan.in_width + columns.begin;
                for (std::int64_t r = rows.begin; r < rows.end; ++r) {
                    for (std::int64_t c = columns.begin; c < columns.end; ++c) {
                        const T value = x[r * plan.in_width + c];
                        if (value > best || std::isnan(value)) {
                            best = value;
                            best_index = r * plan.in_width + c;
                        }
                    }
                }
                y[i * plan.out_width() + j] = best;
                index[i * plan.out_width() + j] = best_index;
            }
        }
    });
}

// The pool every CNN uses, 2x2 windows with stride 2 and no padding, is most
// of a training step's pooling time, so it has its own kernel: the window is
// two adjacent pixels of two adjacent rows, and the comparisons are written
// without branches (same rules as above: first of equal maxima, NaN wins) so
// the compiler can vectorise across output columns. max_pool_forward is its
// reference; a test compares the two.
bool is_two_by_two_stride_two(const PoolPlan& plan) {
    for (std::size_t i = 0; i < plan.rows.size(); ++i) {
        const auto begin = static_cast<std::int64_t>(2 * i);
        if (plan.rows[i].begin != begin || plan.rows[i].end != begin + 2) return false;
    }
    for (std::size_t j = 0; j < plan.columns.size(); ++j) {
        const auto begin = static_cast<std::int64_t>(2 * j);
        if (plan.columns[j].begin != begin || plan.columns[j].end != begin + 2) return false;
    }
    return true;
}

// Keeps `candidate` (found at `where`) when it beats `best`: larger, or NaN.
// `|`, not `||`, and selects, not ifs: no branch to mispredict, and a loop of
// these vectorises.
template <typename T> void keep_larger(T candidate, std::int64_t where, T& best, std::int64_t& best_index) {
    const bool wins = (candidate > best) | (candidate != candidate); // x != x: NaN
    best = wins ? candidate : best;
    best_index = wins ? where : best_index;
}

// One output row: windows of input rows `top` and `top + 1` of a plane
// x [H, W] (`top` counted in elements: row * W).
template <typename T>
void max_pool_two_by_two_row(const T* x, std::int64_t top, std::int64_t width, std::int64_t out_width, T* y,
                             std::int64_t* index) {
    const std::int64_t bottom = top + width;
#pragma omp simd
    for (std::int64_t j = 0; j < out_width; ++j) {
        T best = x[top + 2 * j];
        std::int64_t best_index = top + 2 * j;
        keep_larger(x[top + 2 * j + 1], top + 2 * j + 1, best, best_index);
        keep_larger(x[bottom + 2 * j], bottom + 2 * j, best, best_index);
        keep_larger(x[bottom + 2 * j + 1], bottom + 2 * j + 1, best, best_index);
        y[j] = best;
        index[j] = best_index;
    }
}

template <typename T>
void max_pool_two_by_two_forward(const T* input, const PoolPlan& plan, T* output, std::int64_t* indices) {
    for_each_plane(plan, [&](std::int64_t plane) {
        for (std::int64_t i = 0; i < plan.out_height(); ++i) {
            const std::int64_t row = plane * plan.out_plane() + i * plan.out_width();
            max_pool_two_by_two_row(input + plane * plan.in_plane(), 2 * i * plan.in_width, plan.in_width,
                                    plan.out_width(), output + row, indices + row);
        }
    });
}

// dx plane [H, W] (zeroed) += dy at the remembered maxima: only the winner of
// each window gets its output's gradient.
template <typename T>
void max_pool_backward(const T* grad_output, const std::int64_t* indices, const PoolPlan& plan, T* grad_input) {
    for_each_plane(plan, [&](std::int64_t plane) {
        const T* dy = grad_output + plane * plan.out_plane();
        const std::int64_t* index = indices + plane * plan.out_plane();
        T* dx = grad_input + plane * plan.in_plane();
        for (std::int64_t k = 0; k < plan.out_plane(); ++k) dx[index[k]] += dy[k];
    });
}

// --- average -----------------------------------------------------------------------

// y[i][j] = (sum of x over rows[i] x columns[j]) / (rows[i].divisor * columns[j].divisor)
template <typename T> void average_pool_forward(const T* input, const PoolPlan& plan, T* output) {
    for_each_plane(plan, [&](std::int64_t plane) {
        const T* x = input + plane * plan.in_plane();
        T* y = output + plane * plan.out_plane();
        for (std::int64_t i = 0; i < plan.out_height(); ++i) {
            const Span rows = plan.rows[static_cast<std::size_t>(i)];
            for (std::int64_t j = 0; j < plan.out_width(); ++j) {
                const Span columns = plan.columns[static_cast<std::size_t>(j)];
                T total = 0;
                for (std::int64_t r = rows.begin; r < rows.end; ++r) {
                    for (std::int64_t c = columns.begin; c < columns.end; ++c) total += x[r * plan.in_width + c];
                }
                y[i * plan.out_width() + j] = total / static_cast<T>(rows.divisor * columns.divisor);
            }
        }
    });
}

// dx over the window of (i, j) (zeroed first) += dy[i][j] / divisor(i, j):
// every input pixel collects a share from each window it was averaged in.
template <typename T> void average_pool_backward(const T* grad_output, const PoolPlan& plan, T* grad_input) {
    for_each_plane(plan, [&](std::int64_t plane) {
        const T* dy = grad_output + plane * plan.out_plane();
        T* dx = grad_input + plane * plan.in_plane();
        for (std::int64_t i = 0; i < plan.out_height(); ++i) {
            const Span rows = plan.rows[static_cast<std::size_t>(i)];
            for (std::int64_t j = 0; j < plan.out_width(); ++j) {
                const Span columns = plan.columns[static_cast<std::size_t>(j)];
                const T share = dy[i * plan.out_width() + j] / static_cast<T>(rows.divisor * columns.divisor);
                for (std::int64_t r = rows.begin; r < rows.end; ++r) {
                    for (std::int64_t c = columns.begin; c < columns.end; ++c) dx[r * plan.in_width + c] += share;
                }
            }
        }
    });
}

// The op for both average pools: the forward above, its backward recorded.
Tensor average_pool(const Tensor& input, const PoolPlan& plan, const char* op) {
    const Tensor x = input.detach().contiguous();
    Tensor output = empty(plan.output_shape, x.dtype());
    visit_floating(x.dtype(), op, [&]<typename T>() { average_pool_forward(x.data<T>(), plan, output.data<T>()); });
    return autograd::record(op, output, {input}, [plan, input_shape = input.shape(), op](const Tensor& grad) {
        const Tensor grad_output = grad.contiguous();
        Tensor grad_input = zeros(input_shape, grad.dtype());
        visit_floating(grad.dtype(), op, [&]<typename T>() {
            average_pool_backward(grad_output.data<T>(), plan, grad_input.data<T>());
        });
        return std::vector<Tensor>{grad_input};
    });
}

} // namespace

// --- the differentiable ops -------------------------------------------------------

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, Size2d kernel_size,
                                                  std::optional<Size2d> stride, Size2d padding, bool ceil_mode) {
    const PoolPlan plan = sliding_plan(input, kernel_size, stride, padding, ceil_mode, true, "max_pool2d");
    const Tensor x = input.detach().contiguous();
    Tensor output = empty(plan.output_shape, x.dtype());
    Tensor indices = empty(plan.output_shape, DType::Int64);
    visit_floating(x.dtype(), "max_pool2d", [&]<typename T>() {
        if (is_two_by_two_stride_two(plan)) {
            max_pool_two_by_two_forward(x.data<T>(), plan, output.data<T>(), indices.data<std::int64_t>());
        } else {
            max_pool_forward(x.data<T>(), plan, output.data<T>(), indices.data<std::int64_t>());
        }
    });
    autograd::record("max_pool2d", output, {input}, [plan, indices, input_shape = input.shape()](const Tensor& grad) {
        const Tensor grad_output = grad.contiguous();
        Tensor grad_input = zeros(input_shape, grad.dtype());
        visit_floating(grad.dtype(), "max_pool2d backward", [&]<typename T>() {
            max_pool_backward(grad_output.data<T>(), indices.data<std::int64_t>(), plan, grad_input.data<T>());
        });
        return std::vector<Tensor>{grad_input};
    });
    return {output, indices};
}

Tensor max_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride, Size2d padding,
                  bool ceil_mode) {
    return max_pool2d_with_indices(input, kernel_size, stride, padding, ceil_mode).first;
}

Tensor avg_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride, Size2d padding,
                  bool ceil_mode, bool count_include_pad) {
    const PoolPlan plan =
        sliding_plan(input, kernel_size, stride, padding, ceil_mode, count_include_pad, "avg_pool2d");
    return average_pool(input, plan, "avg_pool2d");
}

Tensor adaptive_avg_pool2d(const Tensor& input, Size2d output_size) {
    if (output_size.height < 1 || output_size.width < 1) {
        throw std::invalid_argument("adaptive_avg_pool2d: output_size must be at least 1, got " +
                                    output_size.to_string());
    }
    PoolPlan plan = plan_for(input, output_size.height, output_size.width, "adaptive_avg_pool2d");
    if (plan.in_height < 1 || plan.in_width < 1) {
        throw std::invalid_argument("adaptive_avg_pool2d: input " + shape_to_string(input.shape()) +
                                    " has an empty spatial size");
    }
    plan.rows = adaptive_spans(plan.in_height, output_size.height);
    plan.columns = adaptive_spans(plan.in_width, output_size.width);
    return average_pool(input, plan, "adaptive_avg_pool2d");
}

// --- the layers ---------------------------------------------------------------------

namespace {

std::string window_repr(Size2d kernel_size, Size2d stride, Size2d padding, bool ceil_mode) {
    return "kernel_size=" + kernel_size.to_string() + ", stride=" + stride.to_string() +
           ", padding=" + padding.to_string() + ", ceil_mode=" + (ceil_mode ? "True" : "False");
}

} // namespace

MaxPool2d::MaxPool2d(Size2d kernel_size_, std::optional<Size2d> stride_, Size2d padding_, bool ceil_mode_)
    : kernel_size(kernel_size_), stride(stride_.value_or(kernel_size_)), padding(padding_), ceil_mode(ceil_mode_) {
    // Checked here so that a bad layer fails when it is built, not at its first batch.
    pool_output_size(2 * kernel_size.height, kernel_size.height, stride.height, padding.height, false, "MaxPool2d");
    pool_output_size(2 * kernel_size.width, kernel_size.width, stride.width, padding.width, false, "MaxPool2d");
}

Tensor MaxPool2d::forward(const Tensor& input) { return max_pool2d(input, kernel_size, stride, padding, ceil_mode); }

std::string MaxPool2d::extra_repr() const { return window_repr(kernel_size, stride, padding, ceil_mode); }

AvgPool2d::AvgPool2d(Size2d kernel_size_, std::optional<Size2d> stride_, Size2d padding_, bool ceil_mode_,
                     bool count_include_pad_)
    : kernel_size(kernel_size_), stride(stride_.value_or(kernel_size_)), padding(padding_), ceil_mode(ceil_mode_),
      count_include_pad(count_include_pad_) {
    pool_output_size(2 * kernel_size.height, kernel_size.height, stride.height, padding.height, false, "AvgPool2d");
    pool_output_size(2 * kernel_size.width, kernel_size.width, stride.width, padding.width, false, "AvgPool2d");
}

Tensor AvgPool2d::forward(const Tensor& input) {
    return avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad);
}

std::string AvgPool2d::extra_repr() const {
    return window_repr(kernel_size, stride, padding, ceil_mode) +
           ", count_include_pad=" + (count_include_pad ? "True" : "False");
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(Size2d output_size_) : output_size(output_size_) {
    if (output_size.height < 1 || output_size.width < 1) {
        throw std::invalid_argument("AdaptiveAvgPool2d: output_size must be at least 1, got " +
                                    output_size.to_string());
    }
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& input) { return adaptive_avg_pool2d(input, output_size); }

std::string AdaptiveAvgPool2d::extra_repr() const { return "output_size=" + output_size.to_string(); }

} // namespace kindling::nn
