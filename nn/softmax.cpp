#include "nn/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "autograd/node.hpp"
#include "tensor/shape.hpp"

namespace kindling::nn::functional {

namespace {

// A contiguous tensor seen as [outer, size, inner] around the softmax dim:
// x [2, 5, 3, 4] with dim 1 -> outer 2, size 5, inner 12. Element k of the
// line (o, i) sits at (o * size + k) * inner + i, so a line is strided by inner.
struct Lines {
    std::int64_t outer = 1;
    std::int64_t size = 1;
    std::int64_t inner = 1;
};

Lines lines_along(const Tensor& x, std::int64_t dim, const char* op) {
    const std::int64_t rank = x.dim();
    if (rank == 0) return {};
    if (dim < -rank || dim >= rank) {
        throw std::invalid_argument(std::string(op) + ": dim " + std::to_string(dim) + " is out of range for shape " +
                                    shape_to_string(x.shape()));
    }
    if (dim < 0) dim += rank;
    Lines lines;
    for (std::int64_t d = 0; d < dim; ++d) lines.outer *= x.size(d);
    lines.size = x.size(dim);
    for (std::int64_t d = dim + 1; d < rank; ++d) lines.inner *= x.size(d);
    return lines;
}

// Calls visit(first, stride) for every line: its first element's offset and the
// step between its elements.
template <typename Visit> void for_each_line(const Lines& lines, Visit visit) {
    for (std::int64_t o = 0; o < lines.outer; ++o) {
        for (std::int64_t i = 0; i < lines.inner; ++i) visit(o * lines.size * lines.inner + i, lines.inner);
    }
}

// Forward of both ops on one line: writes (x - m) - log sum e^(x - m) when
// `log` is set, else e^(x - m) / sum e^(x - m).
template <typename T> void softmax_line(const T* x, T* y, std::int64_t size, std::int64_t stride, bool log) {
    T max_value = x[0];
    for (std::int64_t k = 1; k < size; ++k) max_value = std::max(max_value, x[k * stride]);
    T total = 0;
    for (std::int64_t k = 0; k < size; ++k) total += std::exp(x[k * stride] - max_value);
    if (log) {
        const T log_total = std::log(total);
        for (std::int64_t k = 0; k < size; ++k) y[k * stride] = x[k * stride] - max_value - log_total;
    } else {
        for (std::int64_t k = 0; k < size; ++k) y[k * stride] = std::exp(x[k * stride] - max_value) / total;
    }
}

Tensor softmax_forward(const Tensor& x, std::int64_t dim, bool log, const char* op) {
    const Lines lines = lines_along(x, dim, op);
    const Tensor input = x.detach().contiguous();
    Tensor out = empty(x.shape(), x.dtype());
    visit_floating(x.dtype(), op, [&]<typename T>() {
        const T* in = input.data<T>();
        T* result = out.data<T>();
        if (lines.size == 0) return;
        for_each_line(lines, [&](std::int64_t first, std::int64_t stride) {
            softmax_line(in + first, result + first, lines.size, stride, log);
        });
    });
    return out;
}

} // namespace

// y = softmax(x);   dx_k = y_k (g_k - sum_j g_j y_j)
Tensor softmax(const Tensor& x, std::int64_t dim) {
    Tensor out = softmax_forward(x, dim, false, "softmax");
    const Lines lines = lines_along(x, dim, "softmax");
    return autograd::record("softmax", out, {x}, [y = out.detach(), lines](const Tensor& grad_output) {
        const Tensor g = grad_output.contiguous();
        Tensor dx = empty(y.shape(), y.dtype());
        visit_floating(y.dtype(), "softmax_backward", [&]<typename T>() {
            const T* grad = g.data<T>();
            const T* prob = y.data<T>();
            T* result = dx.data<T>();
            for_each_line(lines, [&](std::int64_t first, std::int64_t stride) {
                T dot = 0;
                for (std::int64_t k = 0; k < lines.size; ++k) dot += grad[first + k * stride] * prob[first + k * stride];
                for (std::int64_t k = 0; k < lines.size; ++k) {
                    const std::int64_t at = first + k * stride;
                    result[at] = prob[at] * (grad[at] - dot);
                }
            });
        });
        return std::vector<Tensor>{dx};
    });
}

// y = log_softmax(x);   dx_k = g_k - e^(y_k) sum_j g_j
Tensor log_softmax(const Tensor& x, std::int64_t dim) {
    Tensor out = softmax_forward(x, dim, true, "log_softmax");
    const Lines lines = lines_along(x, dim, "log_softmax");
    return autograd::record("log_softmax", out, {x}, [y = out.detach(), lines](const Tensor& grad_output) {
        const Tensor g = grad_output.contiguous();
        Tensor dx = empty(y.shape(), y.dtype());
        visit_floating(y.dtype(), "log_softmax_backward", [&]<typename T>() {
            const T* grad = g.data<T>();
            const T* log_prob = y.data<T>();
            T* result = dx.data<T>();
            for_each_line(lines, [&](std::int64_t first, std::int64_t stride) {
                T grad_total = 0;
                for (std::int64_t k = 0; k < lines.size; ++k) grad_total += grad[first + k * stride];
                for (std::int64_t k = 0; k < lines.size; ++k) {
                    const std::int64_t at = first + k * stride;
                    result[at] = grad[at] - std::exp(log_prob[at]) * grad_total;
                }
            });
        });
        return std::vector<Tensor>{dx};
    });
}

} // namespace kindling::nn::functional
