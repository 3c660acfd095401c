// Reductions: sum, mean, var, max/min, argmax/argmin, logsumexp, and sum_to
// (the backward of broadcasting).
//
// Shapes: reducing x [2, 3, 4] over dims {1} gives [2, 4], or [2, 1, 4] with
// keepdim. Backward re-inserts the reduced dims (size 1) and broadcasts the
// gradient back over them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <type_traits>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/ops.hpp"
#include "tensor/strided_loop.hpp"

namespace kindling {

using autograd::record;

namespace {

// The sorted, de-duplicated dims to reduce; empty `dims` means all of them.
std::vector<std::int64_t> reduced_dims(const Tensor& x, const std::vector<std::int64_t>& dims, const char* op) {
    std::set<std::int64_t> unique;
    if (x.dim() == 0) { // a 0-d tensor accepts dim 0 or -1, like PyTorch, and has nothing to reduce
        for (std::int64_t d : dims) normalize_dim(d, 0, op);
        return {};
    }
    if (dims.empty()) {
        for (std::int64_t d = 0; d < x.dim(); ++d) unique.insert(d);
    }
    for (std::int64_t d : dims) unique.insert(normalize_dim(d, x.dim(), op));
    return {unique.begin(), unique.end()};
}

Shape kept_shape(const Shape& shape, const std::vector<std::int64_t>& dims) {
    Shape result = shape;
    for (std::int64_t d : dims) result[static_cast<std::size_t>(d)] = 1;
    return result;
}

Shape dropped_shape(const Shape& shape, const std::vector<std::int64_t>& dims) {
    Shape result;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (std::find(dims.begin(), dims.end(), static_cast<std::int64_t>(d)) == dims.end()) result.push_back(shape[d]);
    }
    return result;
}

// The reference summation kernel: every input element is added into the
// output cell it reduces to. The output is read with stride 0 along reduced
// dims. Floats accumulate in double so long sums do not lose digits.
template <typename T, typename Accumulator>
void sum_strided(const Tensor& x, const std::vector<std::int64_t>& dims, const Shape& kept, T* output) {
    std::vector<Accumulator> totals(static_cast<std::size_t>(shape_numel(kept)), 0);
    Shape output_strides = contiguous_strides(kept);
    for (std::int64_t d : dims) output_strides[static_cast<std::size_t>(d)] = 0;
    const T* input = x.data<T>();
    detail::for_each_offset<2>(x.shape(), {x.strides(), output_strides},
                               [&](std::int64_t, const auto& offsets) { totals[offsets[1]] += input[offsets[0]]; });
    for (std::size_t i = 0; i < totals.size(); ++i) output[i] = static_cast<T>(totals[i]);
}

// The fast kernel for a contiguous x whose reduced dims are consecutive, so x
// reads as [outer, reduced, inner]: a row sum when inner == 1 (sum over the
// last dim: softmax, losses), a sum of rows when outer == 1 (sum over the
// batch: bias gradients). out[o, i] = sum_r x[o, r, i].
template <typename T, typename Accumulator>
void sum_blocked(const Tensor& x, std::int64_t first_dim, std::int64_t last_dim, T* output) {
    const Shape& shape = x.shape();
    const std::int64_t outer = shape_numel(Shape(shape.begin(), shape.begin() + first_dim));
    const std::int64_t reduced = shape_numel(Shape(shape.begin() + first_dim, shape.begin() + last_dim + 1));
    const std::int64_t inner = shape_numel(Shape(shape.begin() + last_dim + 1, shape.end()));
    const T* input = x.data<T>();
    if (inner == 1) {
        // Eight running totals instead of one: additions into different
        // totals do not wait for each other, so the CPU overlaps them (and
        // the compiler can keep the eight in one vector register).
        constexpr std::int64_t lanes = 8;
        for (std::int64_t o = 0; o < outer; ++o) {
            const T* row = input + o * reduced;
            Accumulator partial[lanes] = {};
            std::int64_t r = 0;
            for (; r + lanes <= reduced; r += lanes) {
                for (std::int64_t lane = 0; lane < lanes; ++lane) partial[lane] += row[r + lane];
            }
            Accumulator total = 0;
            for (; r < reduced; ++r) total += row[r];
            for (Accumulator lane_total : partial) total += lane_total;
            output[o] = static_cast<T>(total);
        }
        return;
    }
    std::vector<Accumulator> totals(static_cast<std::size_t>(inner));
    for (std::int64_t o = 0; o < outer; ++o) {
        std::fill(totals.begin(), totals.end(), Accumulator(0));
        for (std::int64_t r = 0; r < reduced; ++r) {
            const T* row = input + (o * reduced + r) * inner;
            for (std::int64_t i = 0; i < inner; ++i) totals[static_cast<std::size_t>(i)] += row[i];
        }
        for (std::int64_t i = 0; i < inner; ++i) output[o * inner + i] = static_cast<T>(totals[static_cast<std::size_t>(i)]);
    }
}

// x summed over `dims` (sorted, unique), keeping them as size 1.
Tensor sum_kernel(const Tensor& x, const std::vector<std::int64_t>& dims) {
    const bool consecutive = !dims.empty() && dims.back() - dims.front() + 1 == static_cast<std::int64_t>(dims.size());
    if (x.is_contiguous() && !consecutive && !dims.empty() && dims.back() == x.dim() - 1) {
        // Per-channel sums (BatchNorm): [N, C, H, W] over {0, 2, 3} is the
        // row sums over the trailing run {2, 3}, giving [N, C, 1, 1], then a
        // blocked sum of those over {0}. Both steps take the fast kernel.
        std::size_t run_start = dims.size() - 1;
        while (run_start > 0 && dims[run_start - 1] == dims[run_start] - 1) --run_start;
        const std::vector<std::int64_t> trailing(dims.begin() + static_cast<std::ptrdiff_t>(run_start), dims.end());
        const std::vector<std::int64_t> leading(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(run_start));
        return sum_kernel(sum_kernel(x, trailing), leading);
    }
    const Shape kept = kept_shape(x.shape(), dims);
    Tensor result = empty(kept, x.dtype());
    visit_dtype(x.dtype(), [&]<typename T>() {
        using Accumulator = std::conditional_t<std::is_integral_v<T>, std::int64_t, double>;
        if (x.is_contiguous() && consecutive) {
            sum_blocked<T, Accumulator>(x, dims.front(), dims.back(), result.data<T>());
        } else {
            sum_strided<T, Accumulator>(x, dims, kept, result.data<T>());
        }
    });
    return result;
}

} // namespace

// out = sum of x over dims;   dx = g broadcast back over the summed dims
Tensor sum(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim) {
    const std::vector<std::int64_t> reduce = reduced_dims(x, dims, "sum");
    Tensor kept = sum_kernel(x, reduce);
    Tensor out = keepdim ? kept : kept.view(dropped_shape(x.shape(), reduce));
    const Shape input_shape = x.shape();
    const Shape keep_shape = kept.shape();
    return record("sum", out, {x}, [input_shape, keep_shape](const Tensor& g) {
        return std::vector<Tensor>{g.reshape(keep_shape).expand(input_shape)};
    });
}

Tensor sum(const Tensor& x) { return sum(x, {}, false); }

// out = sum / n — composed from differentiable ops, so it needs no backward.
Tensor mean(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim) {
    if (!is_floating(x.dtype())) throw std::invalid_argument("mean: expected a float tensor, got int64");
    const std::vector<std::int64_t> reduce = reduced_dims(x, dims, "mean");
    std::int64_t count = 1;
    for (std::int64_t d : reduce) count *= x.shape()[static_cast<std::size_t>(d)];
    return sum(x, reduce, keepdim) / static_cast<double>(count);
}

Tensor mean(const Tensor& x) { return mean(x, {}, false); }

// var = sum((x - mean)^2) / (n - 1), or / n when not unbiased.
Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, bool unbiased, bool keepdim) {
    const std::vector<std::int64_t> reduce = reduced_dims(x, dims, "var");
    std::int64_t count = 1;
    for (std::int64_t d : reduce) count *= x.shape()[static_cast<std::size_t>(d)];
    const Tensor centered = x - mean(x, reduce, true);
    const double divisor = static_cast<double>(unbiased ? count - 1 : count);
    return sum(centered * centered, reduce, keepdim) / divisor;
}

// sum_to: the adjoint of broadcasting. Sums the leading dims x has beyond
// `shape`, and every dim where `shape` has size 1 but x does not.
Tensor sum_to(const Tensor& x, const Shape& shape) {
    if (x.shape() == shape) return x;
    if (broadcast_shapes(shape, x.shape(), "sum_to") != x.shape()) {
        throw std::invalid_argument("sum_to: shape " + shape_to_string(x.shape()) + " is not a broadcast of " +
                                    shape_to_string(shape));
    }
    const std::int64_t leading = x.dim() - static_cast<std::int64_t>(shape.size());
    std::vector<std::int64_t> dims;
    for (std::int64_t d = 0; d < x.dim(); ++d) {
        if (d < leading || (shape[static_cast<std::size_t>(d - leading)] == 1 && x.shape()[d] != 1)) dims.push_back(d);
    }
    if (dims.empty()) return x.reshape(shape);
    return sum(x, dims, true).reshape(shape);
}

// --- max / min with indices ---------------------------------------------------------

namespace {

template <typename T> bool is_nan(T value) {
    if constexpr (std::is_floating_point_v<T>) return std::isnan(value);
    return false;
}

// Index of the largest (or smallest) element along `dim`; the first one on ties.
Tensor extreme_index(const Tensor& x, std::int64_t dim, bool largest, const char* op) {
    if (x.dim() == 0) return zeros({}, DType::Int64);
    const std::int64_t d = normalize_dim(dim, x.dim(), op);
    const std::int64_t extent = x.shape()[d];
    if (extent == 0) throw std::invalid_argument(std::string(op) + ": cannot reduce an empty dimension");
    Shape outer_shape = x.shape();
    outer_shape[d] = 1;
    Tensor indices = empty(outer_shape, DType::Int64);
    std::int64_t* index_out = indices.data<std::int64_t>();
    visit_dtype(x.dtype(), [&]<typename T>() {
        const T* input = x.data<T>();
        const std::int64_t stride = x.strides()[d];
        detail::for_each_offset<1>(outer_shape, {x.strides()}, [&](std::int64_t i, const auto& offsets) {
            std::int64_t best = 0;
            T best_value = input[offsets[0]];
            for (std::int64_t k = 1; k < extent; ++k) {
                const T value = input[offsets[0] + k * stride];
                // NaN wins, as in PyTorch: a NaN anywhere should be visible.
                const bool nan_arrives = is_nan(value) && !is_nan(best_value);
                const bool better = nan_arrives || (largest ? value > best_value : value < best_value);
                if (better) {
                    best = k;
                    best_value = value;
                }
            }
            index_out[i] = best;
        });
    });
    return indices;
}

std::pair<Tensor, Tensor> extreme(const Tensor& x, std::int64_t dim, bool keepdim, bool largest, const char* op) {
    Tensor indices = extreme_index(x, dim, largest, op);
    if (x.dim() == 0) return {x, indices};
    const std::int64_t d = normalize_dim(dim, x.dim(), op);
    // values = x gathered at the indices: gather's backward routes each
    // gradient to the position that won.
    Tensor values = gather(x, d, indices);
    if (!keepdim) {
        values = values.squeeze(d);
        indices = indices.squeeze(d);
    }
    return {values, indices};
}

} // namespace

std::pair<Tensor, Tensor> max(const Tensor& x, std::int64_t dim, bool keepdim) {
    return extreme(x, dim, keepdim, true, "max");
}
std::pair<Tensor, Tensor> min(const Tensor& x, std::int64_t dim, bool keepdim) {
    return extreme(x, dim, keepdim, false, "min");
}
Tensor max(const Tensor& x) {
    if (x.numel() == 0) throw std::invalid_argument("max: cannot take the max of an empty tensor");
    return max(x.reshape({-1}), 0, false).first;
}
Tensor min(const Tensor& x) {
    if (x.numel() == 0) throw std::invalid_argument("min: cannot take the min of an empty tensor");
    return min(x.reshape({-1}), 0, false).first;
}
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim) {
    Tensor indices = extreme_index(x, dim, true, "argmax");
    return keepdim || x.dim() == 0 ? indices : indices.squeeze(normalize_dim(dim, x.dim(), "argmax"));
}
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim) {
    Tensor indices = extreme_index(x, dim, false, "argmin");
    return keepdim || x.dim() == 0 ? indices : indices.squeeze(normalize_dim(dim, x.dim(), "argmin"));
}

// logsumexp = m + log(sum(exp(x - m))) with m = max(x) along dim: subtracting
// m keeps exp() from overflowing, and m cancels out of the derivative, which
// is softmax(x) * g. m is detached: it only shifts the computation.
Tensor logsumexp(const Tensor& x, std::int64_t dim, bool keepdim) {
    const std::int64_t d = normalize_dim(dim, x.dim(), "logsumexp");
    Tensor shift = max(x, d, true).first.detach();
    // An all -inf row would give -inf - -inf = NaN; shift such rows by 0 instead.
    shift = where(eq(abs(shift), full({}, std::numeric_limits<double>::infinity(), x.dtype())), zeros_like(shift), shift);
    Tensor result = log(sum(exp(x - shift), {d}, true)) + shift;
    return keepdim ? result : result.squeeze(d);
}

} // namespace kindling
