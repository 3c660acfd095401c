// Joining tensors (cat, stack) and picking elements by index (gather,
// index_select), each with its backward beside it.
#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/ops.hpp"
#include "tensor/strided_loop.hpp"

namespace kindling {

using autograd::record;

// cat([a [2, 3], b [4, 3]], 0) -> [6, 3].
// Backward: each input gets back its own slice of g.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
    if (tensors.empty()) throw std::invalid_argument("cat: expected a non-empty list of tensors");
    const Tensor& first = tensors.front();
    if (first.dim() == 0) throw std::invalid_argument("cat: zero-dimensional tensors cannot be concatenated; use stack");
    const std::int64_t d = normalize_dim(dim, first.dim(), "cat");
    Shape shape = first.shape();
    shape[d] = 0;
    for (const Tensor& t : tensors) {
        Shape expected = first.shape();
        expected[d] = t.dim() == first.dim() ? t.shape()[d] : -1;
        if (t.shape() != expected || t.dtype() != first.dtype()) {
            throw std::invalid_argument("cat: shapes " + shape_to_string(first.shape()) + " (" +
                                        dtype_name(first.dtype()) + ") and " + shape_to_string(t.shape()) + " (" +
                                        dtype_name(t.dtype()) + ") differ outside dim " + std::to_string(d));
        }
        shape[d] += t.shape()[d];
    }
    Tensor out = empty(shape, first.dtype());
    std::vector<std::int64_t> starts;
    std::int64_t start = 0;
    {
        autograd::NoGradGuard no_grad;
        for (const Tensor& t : tensors) {
            starts.push_back(start);
            out.narrow(d, start, t.shape()[d]).copy_(t);
            start += t.shape()[d];
        }
    }
    std::vector<std::int64_t> lengths;
    for (const Tensor& t : tensors) lengths.push_back(t.shape()[d]);
    return record("cat", out, tensors, [d, starts, lengths](const Tensor& g) {
        std::vector<Tensor> grads;
        for (std::size_t i = 0; i < starts.size(); ++i) grads.push_back(g.narrow(d, starts[i], lengths[i]));
        return grads;
    });
}

// stack([a [3], b [3]], 0) -> [2, 3]: cat of the inputs each given a new dim.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) {
    if (tensors.empty()) throw std::invalid_argument("stack: expected a non-empty list of tensors");
    const std::int64_t d = normalize_dim(dim, tensors.front().dim() + 1, "stack");
    std::vector<Tensor> expanded;
    for (const Tensor& t : tensors) {
        if (t.shape() != tensors.front().shape()) {
            throw std::invalid_argument("stack: shapes " + shape_to_string(tensors.front().shape()) + " and " +
                                        shape_to_string(t.shape()) + " differ; stack needs equal shapes");
        }
        expanded.push_back(t.unsqueeze(d));
    }
    return cat(expanded, d);
}

namespace {

void check_index_tensor(const Tensor& index, const char* op) {
    if (index.dtype() != DType::Int64) {
        throw std::invalid_argument(std::string(op) + ": index must be int64, got " + dtype_name(index.dtype()));
    }
}

// grad_input[..., index[i], ...] += g[..., i, ...] along dim: the adjoint of gather.
Tensor scatter_add_along(const Shape& input_shape, std::int64_t dim, const Tensor& index, const Tensor& g) {
    Tensor grad_input = zeros(input_shape, g.dtype());
    visit_dtype(g.dtype(), [&]<typename T>() {
        T* destination = grad_input.data<T>();
        const T* source = g.data<T>();
        const std::int64_t* positions = index.data<std::int64_t>();
        Shape destination_strides = grad_input.strides();
        const std::int64_t step = destination_strides[dim];
        destination_strides[dim] = 0; // the index picks the position along dim
        detail::for_each_offset<3>(index.shape(), {destination_strides, index.strides(), g.strides()},
                                   [&](std::int64_t, const auto& offsets) {
                                       destination[offsets[0] + positions[offsets[1]] * step] += source[offsets[2]];
                                   });
    });
    return grad_input;
}

} // namespace

// out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for other dims).
// index has x's rank; its size along dim may differ.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index) {
    check_index_tensor(index, "gather");
    const std::int64_t d = normalize_dim(dim, x.dim(), "gather");
    if (index.dim() != x.dim()) {
        throw std::invalid_argument("gather: index shape " + shape_to_string(index.shape()) +
                                    " must have the rank of input shape " + shape_to_string(x.shape()));
    }
    for (std::int64_t k = 0; k < x.dim(); ++k) {
        if (k != d && index.shape()[k] > x.shape()[k]) {
            throw std::invalid_argument("gather: index shape " + shape_to_string(index.shape()) +
                                        " exceeds input shape " + shape_to_string(x.shape()) + " in dim " +
                                        std::to_string(k));
        }
    }
    Tensor out = empty(index.shape(), x.dtype());
    const std::int64_t extent = x.shape()[d];
    visit_dtype(x.dtype(), [&]<typename T>() {
        const T* input = x.data<T>();
        const std::int64_t* positions = index.data<std::int64_t>();
        T* output = out.data<T>();
        Shape input_strides = x.strides();
        const std::int64_t step = input_strides[d];
        input_strides[d] = 0;
        detail::for_each_offset<2>(index.shape(), {input_strides, index.strides()},
                                   [&](std::int64_t i, const auto& offsets) {
                                       const std::int64_t position = positions[offsets[1]];
                                       if (position < 0 || position >= extent) {
                                           throw std::out_of_range("gather: index " + std::to_string(position) +
                                                                   " is out of range for dim " + std::to_string(d) +
                                                                   " of size " + std::to_string(extent));
                                       }
                                       output[i] = input[offsets[0] + position * step];
                                   });
    });
    const Shape input_shape = x.shape();
    return record("gather", out, {x}, [input_shape, d, index](const Tensor& g) {
        return std::vector<Tensor>{scatter_add_along(input_shape, d, index, g.contiguous())};
    });
}

// index_select(x [5, 3], 0, [4, 0]) -> [2, 3]: rows 4 and 0.
// Backward: each selected row's gradient is added back to the row it came from.
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index) {
    check_index_tensor(index, "index_select");
    if (index.dim() != 1) {
        throw std::invalid_argument("index_select: index must be 1-D, got shape " + shape_to_string(index.shape()));
    }
    const std::int64_t d = normalize_dim(dim, x.dim(), "index_select");
    // Build a gather index: the chosen positions broadcast across the other dims.
    Shape index_view(static_cast<std::size_t>(x.dim()), 1);
    index_view[d] = index.numel();
    Shape out_shape = x.shape();
    out_shape[d] = index.numel();
    const Tensor gather_index = index.contiguous().view(index_view).expand(out_shape).contiguous();
    return gather(x, d, gather_index);
}

} // namespace kindling
