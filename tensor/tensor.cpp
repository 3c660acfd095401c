// Tensor metadata, element access, views, copies and in-place updates.
//
// Every view below builds a new TensorImpl over the *same* Storage with new
// shape/strides/offset, and records a backward that routes the gradient back
// to the base tensor's shape.
#include "tensor/tensor.hpp"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/ops.hpp"
#include "tensor/strided_loop.hpp"

namespace kindling {

TensorImpl& Tensor::impl() const {
    if (!impl_) throw std::logic_error("use of an undefined Tensor (default-constructed, or a gradient not yet computed)");
    return *impl_;
}

std::int64_t Tensor::size(std::int64_t dim) const {
    return shape()[static_cast<std::size_t>(normalize_dim(dim, this->dim(), "size"))];
}

bool Tensor::is_contiguous() const {
    if (numel() == 0) return true; // no element to misplace (expand() to size 0 leaves stride-0 dims)
    std::int64_t expected = 1;
    for (std::size_t d = shape().size(); d-- > 0;) {
        if (shape()[d] == 1) continue; // the stride of a size-1 dim never matters
        if (strides()[d] != expected) return false;
        expected *= shape()[d];
    }
    return true;
}

bool Tensor::shares_storage_with(const Tensor& other) const {
    return impl().storage == other.impl().storage;
}

// --- element access -----------------------------------------------------------

double Tensor::item() const {
    if (numel() != 1) {
        throw std::invalid_argument("item: expected a tensor with one element, got shape " + shape_to_string(shape()));
    }
    return at(std::vector<std::int64_t>(shape().size(), 0));
}

double Tensor::at(const std::vector<std::int64_t>& index) const {
    if (static_cast<std::int64_t>(index.size()) != dim()) {
        throw std::invalid_argument("at: got " + std::to_string(index.size()) + " indices for a tensor of shape " +
                                    shape_to_string(shape()));
    }
    std::int64_t element = 0;
    for (std::size_t d = 0; d < index.size(); ++d) {
        std::int64_t i = index[d] < 0 ? index[d] + shape()[d] : index[d];
        if (i < 0 || i >= shape()[d]) {
            throw std::out_of_range("at: index " + std::to_string(index[d]) + " is out of range for dim " +
                                    std::to_string(d) + " of size " + std::to_string(shape()[d]));
        }
        element += i * strides()[d];
    }
    return visit_dtype(dtype(), [&]<typename T>() { return static_cast<double>(data<T>()[element]); });
}

template <typename Out> std::vector<Out> Tensor::to_vector() const {
    std::vector<Out> values(static_cast<std::size_t>(numel()));
    visit_dtype(dtype(), [&]<typename T>() {
        const T* source = data<T>();
        detail::for_each_offset<1>(shape(), {strides()}, [&](std::int64_t i, const auto& offsets) {
            values[static_cast<std::size_t>(i)] = static_cast<Out>(source[offsets[0]]);
        });
    });
    return values;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;

// --- views ----------------------------------------------------------------------

namespace {

Tensor make_view(const Tensor& base, Shape shape, Shape strides, std::int64_t offset) {
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = base.impl().storage;
    impl->shape = std::move(shape);
    impl->strides = std::move(strides);
    impl->offset = offset;
    impl->dtype = base.dtype();
    return Tensor(std::move(impl));
}

// Resolves a single -1 in a requested shape from the element count.
Shape infer_shape(const Shape& requested, std::int64_t numel, const char* op, const Shape& from) {
    Shape shape = requested;
    std::int64_t known = 1;
    int unknown_dim = -1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == -1) {
            if (unknown_dim >= 0) throw std::invalid_argument(std::string(op) + ": only one dimension can be -1");
            unknown_dim = static_cast<int>(d);
        } else if (shape[d] < 0) {
            throw std::invalid_argument(std::string(op) + ": negative size in shape " + shape_to_string(requested));
        } else {
            known *= shape[d];
        }
    }
    if (unknown_dim >= 0) {
        if (known == 0 || numel % known != 0) {
            throw std::invalid_argument(std::string(op) + ": shape " + shape_to_string(requested) +
                                        " is invalid for a tensor of shape " + shape_to_string(from));
        }
        shape[static_cast<std::size_t>(unknown_dim)] = numel / known;
    } else if (known != numel) {
        throw std::invalid_argument(std::string(op) + ": shape " + shape_to_string(requested) +
                                    " is invalid for a tensor of shape " + shape_to_string(from) + " (" +
                                    std::to_string(numel) + " elements)");
    }
    return shape;
}

} // namespace

Tensor Tensor::view(const Shape& requested) const {
    const Shape new_shape = infer_shape(requested, numel(), "view", shape());
    if (!is_contiguous()) {
        throw std::invalid_argument("view: tensor of shape " + shape_to_string(shape()) +
                                    " is not contiguous; use reshape() (which copies) or contiguous() first");
    }
    Tensor result = make_view(*this, new_shape, contiguous_strides(new_shape), offset());
    const Shape input_shape = shape();
    // d(view)/dx: the same numbers in the original shape.
    return autograd::record("view", result, {*this},
                            [input_shape](const Tensor& grad) { return std::vector<Tensor>{grad.reshape(input_shape)}; });
}

Tensor Tensor::reshape(const Shape& requested) const {
    return is_contiguous() ? view(requested) : contiguous().view(requested);
}

Tensor Tensor::transpose(std::int64_t dim0, std::int64_t dim1) const {
    dim0 = normalize_dim(dim0, dim(), "transpose");
    dim1 = normalize_dim(dim1, dim(), "transpose");
    if (dim() == 0) return *this;
    Shape new_shape = shape();
    Shape new_strides = strides();
    std::swap(new_shape[dim0], new_shape[dim1]);
    std::swap(new_strides[dim0], new_strides[dim1]);
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    // Transposing twice is the identity, so the gradient is transposed back.
    return autograd::record("transpose", result, {*this}, [dim0, dim1](const Tensor& grad) {
        return std::vector<Tensor>{grad.transpose(dim0, dim1)};
    });
}

Tensor Tensor::t() const {
    if (dim() != 2) throw std::invalid_argument("t: expected a 2-D tensor, got shape " + shape_to_string(shape()));
    return transpose(0, 1);
}

Tensor Tensor::permute(const std::vector<std::int64_t>& dims) const {
    if (static_cast<std::int64_t>(dims.size()) != dim()) {
        throw std::invalid_argument("permute: got " + std::to_string(dims.size()) + " dims for a tensor of shape " +
                                    shape_to_string(shape()));
    }
    Shape new_shape(dims.size()), new_strides(dims.size());
    std::vector<std::int64_t> inverse(dims.size(), -1);
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const std::int64_t d = normalize_dim(dims[i], dim(), "permute");
        if (inverse[static_cast<std::size_t>(d)] != -1) {
            throw std::invalid_argument("permute: dim " + std::to_string(d) + " appears twice");
        }
        inverse[static_cast<std::size_t>(d)] = static_cast<std::int64_t>(i);
        new_shape[i] = shape()[static_cast<std::size_t>(d)];
        new_strides[i] = strides()[static_cast<std::size_t>(d)];
    }
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    return autograd::record("permute", result, {*this}, [inverse](const Tensor& grad) {
        return std::vector<Tensor>{grad.permute(inverse)};
    });
}

Tensor Tensor::slice(std::int64_t dimension, std::int64_t start, std::int64_t end, std::int64_t step) const {
    const std::int64_t d = normalize_dim(dimension, dim(), "slice");
    if (dim() == 0) throw std::invalid_argument("slice: cannot slice a 0-d tensor");
    if (step <= 0) throw std::invalid_argument("slice: step must be positive, got " + std::to_string(step));
    const std::int64_t extent = shape()[static_cast<std::size_t>(d)];
    // Python-style clamping of start/end, negative values counting from the end.
    auto clamp_index = [extent](std::int64_t i) { return std::clamp(i < 0 ? i + extent : i, std::int64_t{0}, extent); };
    start = clamp_index(start);
    end = std::max(clamp_index(end), start);
    Shape new_shape = shape();
    Shape new_strides = strides();
    new_shape[static_cast<std::size_t>(d)] = (end - start + step - 1) / step;
    new_strides[static_cast<std::size_t>(d)] *= step;
    Tensor result = make_view(*this, new_shape, new_strides, offset() + start * strides()[static_cast<std::size_t>(d)]);
    const Shape input_shape = shape();
    // The gradient of the slice lands in the sliced positions; elsewhere it is 0.
    return autograd::record("slice", result, {*this}, [input_shape, d, start, end, step](const Tensor& grad) {
        Tensor grad_input = zeros(input_shape, grad.dtype());
        grad_input.slice(d, start, end, step).copy_(grad);
        return std::vector<Tensor>{grad_input};
    });
}

Tensor Tensor::narrow(std::int64_t dimension, std::int64_t start, std::int64_t length) const {
    const std::int64_t d = normalize_dim(dimension, dim(), "narrow");
    const std::int64_t extent = size(d);
    if (start < 0) start += extent;
    if (start < 0 || length < 0 || start + length > extent) {
        throw std::out_of_range("narrow: start " + std::to_string(start) + " and length " + std::to_string(length) +
                                " do not fit dim " + std::to_string(d) + " of shape " + shape_to_string(shape()));
    }
    return slice(d, start, start + length);
}

Tensor Tensor::select(std::int64_t dimension, std::int64_t index) const {
    const std::int64_t d = normalize_dim(dimension, dim(), "select");
    const std::int64_t extent = size(d);
    if (index < -extent || index >= extent) {
        throw std::out_of_range("select: index " + std::to_string(index) + " is out of range for dim " +
                                std::to_string(d) + " of size " + std::to_string(extent));
    }
    if (index < 0) index += extent;
    return narrow(d, index, 1).squeeze(d);
}

Tensor Tensor::expand(const Shape& requested) const {
    if (requested.size() < shape().size()) {
        throw std::invalid_argument("expand: cannot expand shape " + shape_to_string(shape()) + " to " +
                                    shape_to_string(requested) + " (fewer dims)");
    }
    const std::size_t missing = requested.size() - shape().size();
    Shape new_shape(requested.size()), new_strides(requested.size(), 0);
    for (std::size_t d = 0; d < requested.size(); ++d) {
        const bool existing = d >= missing;
        const std::int64_t current = existing ? shape()[d - missing] : 1;
        const std::int64_t wanted = requested[d] == -1 && existing ? current : requested[d];
        if (wanted < 0 || (current != 1 && current != wanted)) {
            throw std::invalid_argument("expand: cannot expand shape " + shape_to_string(shape()) + " to " +
                                        shape_to_string(requested));
        }
        new_shape[d] = wanted;
        if (existing && current != 1) new_strides[d] = strides()[d - missing];
    }
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    const Shape input_shape = shape();
    // One input element fed many outputs, so its gradient is their sum.
    return autograd::record("expand", result, {*this},
                            [input_shape](const Tensor& grad) { return std::vector<Tensor>{sum_to(grad, input_shape)}; });
}

Tensor Tensor::squeeze() const {
    // A view even of a non-contiguous tensor: dropping size-1 dims moves no element.
    Shape new_shape, new_strides;
    for (std::size_t d = 0; d < shape().size(); ++d) {
        if (shape()[d] == 1) continue;
        new_shape.push_back(shape()[d]);
        new_strides.push_back(strides()[d]);
    }
    if (new_shape.size() == shape().size()) return *this;
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    const Shape input_shape = shape();
    return autograd::record("squeeze", result, {*this},
                            [input_shape](const Tensor& grad) { return std::vector<Tensor>{grad.reshape(input_shape)}; });
}

Tensor Tensor::squeeze(std::int64_t dimension) const {
    if (dim() == 0) return *this;
    const std::int64_t d = normalize_dim(dimension, dim(), "squeeze");
    if (size(d) != 1) return *this;
    Shape new_shape = shape();
    Shape new_strides = strides();
    new_shape.erase(new_shape.begin() + d);
    new_strides.erase(new_strides.begin() + d);
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    return autograd::record("squeeze", result, {*this},
                            [d](const Tensor& grad) { return std::vector<Tensor>{grad.unsqueeze(d)}; });
}

Tensor Tensor::unsqueeze(std::int64_t dimension) const {
    const std::int64_t d = normalize_dim(dimension, dim() + 1, "unsqueeze");
    Shape new_shape = shape();
    Shape new_strides = strides();
    const std::int64_t stride = d < dim() ? strides()[d] * shape()[d] : 1;
    new_shape.insert(new_shape.begin() + d, 1);
    new_strides.insert(new_strides.begin() + d, stride);
    Tensor result = make_view(*this, new_shape, new_strides, offset());
    return autograd::record("unsqueeze", result, {*this},
                            [d](const Tensor& grad) { return std::vector<Tensor>{grad.squeeze(d)}; });
}

Tensor Tensor::flatten(std::int64_t start_dim, std::int64_t end_dim) const {
    if (dim() == 0) return reshape({1});
    start_dim = normalize_dim(start_dim, dim(), "flatten");
    end_dim = normalize_dim(end_dim, dim(), "flatten");
    if (start_dim > end_dim) throw std::invalid_argument("flatten: start_dim must not come after end_dim");
    Shape new_shape(shape().begin(), shape().begin() + start_dim);
    std::int64_t merged = 1;
    for (std::int64_t d = start_dim; d <= end_dim; ++d) merged *= shape()[d];
    new_shape.push_back(merged);
    new_shape.insert(new_shape.end(), shape().begin() + end_dim + 1, shape().end());
    return reshape(new_shape);
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

// --- copies -----------------------------------------------------------------------

Tensor Tensor::clone() const {
    Tensor result = empty(shape(), dtype());
    {
        autograd::NoGradGuard no_grad;
        result.copy_(*this);
    }
    return autograd::record("clone", result, {*this}, [](const Tensor& grad) { return std::vector<Tensor>{grad}; });
}

Tensor Tensor::to(DType target) const {
    if (target == dtype()) return *this;
    Tensor result = empty(shape(), target);
    {
        autograd::NoGradGuard no_grad;
        result.copy_(*this);
    }
    if (!is_floating(target) || !is_floating(dtype())) return result; // integers carry no gradient
    const DType source = dtype();
    return autograd::record("to", result, {*this},
                            [source](const Tensor& grad) { return std::vector<Tensor>{grad.to(source)}; });
}

// --- autograd accessors -------------------------------------------------------------

Tensor& Tensor::requires_grad_(bool enabled) {
    if (!is_leaf()) {
        throw std::invalid_argument("requires_grad_: only leaf tensors can change requires_grad; this one was made by '" +
                                    impl().grad_fn->name + "' (use detach() first)");
    }
    if (enabled && !is_floating(dtype())) {
        throw std::invalid_argument("requires_grad_: only float tensors can require gradients, got int64");
    }
    impl().requires_grad = enabled;
    return *this;
}

bool Tensor::is_leaf() const { return impl().grad_fn == nullptr; }

Tensor Tensor::grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }

void Tensor::set_grad(const Tensor& grad) {
    if (grad.defined() && grad.shape() != shape()) {
        throw std::invalid_argument("set_grad: gradient shape " + shape_to_string(grad.shape()) +
                                    " differs from tensor shape " + shape_to_string(shape()));
    }
    impl().grad = grad.defined() ? grad.impl_ptr() : nullptr;
}

void Tensor::zero_grad() { impl().grad = nullptr; }

Tensor Tensor::detach() const {
    return make_view(*this, shape(), strides(), offset()); // a fresh impl: no grad_fn, no requires_grad
}

// --- in-place updates -----------------------------------------------------------------

namespace {

void check_in_place_allowed(const Tensor& tensor, const char* op) {
    if (tensor.requires_grad() && autograd::is_grad_enabled()) {
        throw std::runtime_error(std::string(op) + ": in-place update of a tensor that requires grad would corrupt "
                                 "the autograd graph; do it inside autograd::NoGradGuard (as optimizers do)");
    }
}

} // namespace

Tensor& Tensor::copy_(const Tensor& source) {
    check_in_place_allowed(*this, "copy_");
    if (broadcast_shapes(source.shape(), shape(), "copy_") != shape()) {
        throw std::invalid_argument("copy_: source of shape " + shape_to_string(source.shape()) +
                                    " does not broadcast to destination shape " + shape_to_string(shape()));
    }
    const std::array<Shape, 2> layout{strides(), detail::broadcast_strides(source, shape())};
    visit_dtype(dtype(), [&]<typename Destination>() {
        Destination* destination = data<Destination>();
        visit_dtype(source.dtype(), [&]<typename Source>() {
            const Source* from = source.data<Source>();
            detail::for_each_offset<2>(shape(), layout, [&](std::int64_t, const auto& offsets) {
                destination[offsets[0]] = static_cast<Destination>(from[offsets[1]]);
            });
        });
    });
    return *this;
}

Tensor& Tensor::fill_(double value) {
    check_in_place_allowed(*this, "fill_");
    visit_dtype(dtype(), [&]<typename T>() {
        T* destination = data<T>();
        detail::for_each_offset<1>(shape(), {strides()}, [&](std::int64_t, const auto& offsets) {
            destination[offsets[0]] = static_cast<T>(value);
        });
    });
    return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
    check_in_place_allowed(*this, "add_");
    if (other.dtype() != dtype()) {
        throw std::invalid_argument(std::string("add_: dtype mismatch: ") + dtype_name(dtype()) + " and " +
                                    dtype_name(other.dtype()));
    }
    if (broadcast_shapes(other.shape(), shape(), "add_") != shape()) {
        throw std::invalid_argument("add_: shape " + shape_to_string(other.shape()) +
                                    " does not broadcast to destination shape " + shape_to_string(shape()));
    }
    visit_dtype(dtype(), [&]<typename T>() {
        T* destination = data<T>();
        const T* source = other.data<T>();
        const T scale = static_cast<T>(alpha);
        if (is_contiguous() && other.is_contiguous() && other.shape() == shape()) {
            const std::int64_t count = numel();
            for (std::int64_t i = 0; i < count; ++i) destination[i] += scale * source[i];
            return;
        }
        const std::array<Shape, 2> layout{strides(), detail::broadcast_strides(other, shape())};
        detail::for_each_offset<2>(shape(), layout, [&](std::int64_t, const auto& offsets) {
            destination[offsets[0]] += scale * source[offsets[1]];
        });
    });
    return *this;
}

Tensor& Tensor::mul_(double factor) {
    check_in_place_allowed(*this, "mul_");
    visit_dtype(dtype(), [&]<typename T>() {
        T* destination = data<T>();
        detail::for_each_offset<1>(shape(), {strides()}, [&](std::int64_t, const auto& offsets) {
            destination[offsets[0]] = static_cast<T>(destination[offsets[0]] * factor);
        });
    });
    return *this;
}

// --- method forms -------------------------------------------------------------------

Tensor Tensor::sum() const { return kindling::sum(*this); }
Tensor Tensor::sum(const std::vector<std::int64_t>& dims, bool keepdim) const { return kindling::sum(*this, dims, keepdim); }
Tensor Tensor::mean() const { return kindling::mean(*this); }
Tensor Tensor::mean(const std::vector<std::int64_t>& dims, bool keepdim) const {
    return kindling::mean(*this, dims, keepdim);
}
Tensor Tensor::matmul(const Tensor& other) const { return kindling::matmul(*this, other); }
Tensor Tensor::exp() const { return kindling::exp(*this); }
Tensor Tensor::log() const { return kindling::log(*this); }
Tensor Tensor::relu() const { return kindling::relu(*this); }

} // namespace kindling
