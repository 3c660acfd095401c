// Tensor: an n-dimensional view (shape, strides, offset) onto shared storage,
// plus the autograd fields (requires_grad, grad, grad_fn).
//
//   storage:  [ 0 1 2 3 4 5 ]            one block of memory, shared
//   a = shape [2, 3], strides [3, 1]     a[i][j] = storage[i*3 + j]
//   a.t()  = shape [3, 2], strides [1, 3]    same storage, no copy
//
// A Tensor is a cheap handle (like torch.Tensor): copying it shares the data.
// Use clone() for a deep copy.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tensor/dtype.hpp"
#include "tensor/shape.hpp"
#include "tensor/storage.hpp"

namespace kindling {

namespace autograd {
struct Node;
}

class Generator;

// The state behind a Tensor handle. Views share `storage` and differ in
// shape/strides/offset.
struct TensorImpl {
    std::shared_ptr<Storage> storage;
    Shape shape;
    Shape strides;
    std::int64_t offset = 0; // in elements, not bytes
    DType dtype = DType::Float32;

    bool requires_grad = false;
    std::shared_ptr<TensorImpl> grad;          // accumulated by backward() on leaves
    std::shared_ptr<autograd::Node> grad_fn;   // the op that produced this tensor
};

class Tensor {
public:
    Tensor() = default; // an undefined tensor: defined() == false
    explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

    // --- metadata -----------------------------------------------------------
    bool defined() const { return impl_ != nullptr; }
    const Shape& shape() const { return impl().shape; }
    const Shape& strides() const { return impl().strides; }
    std::int64_t offset() const { return impl().offset; }
    DType dtype() const { return impl().dtype; }
    std::int64_t dim() const { return static_cast<std::int64_t>(impl().shape.size()); }
    std::int64_t size(std::int64_t dim) const; // negative dims count from the end
    std::int64_t numel() const { return shape_numel(impl().shape); }
    bool is_contiguous() const;
    bool shares_storage_with(const Tensor& other) const;

    // --- raw element access (no autograd) ------------------------------------
    // Pointer to element [0, 0, ...] of this view; throws if T is not the dtype.
    template <typename T> T* data();
    template <typename T> const T* data() const;
    // The value of a one-element tensor, converted to double.
    double item() const;
    // The element at a full index, converted to double (negative indices allowed).
    double at(const std::vector<std::int64_t>& index) const;
    // All elements in row-major order, converted to T.
    template <typename T> std::vector<T> to_vector() const;

    // --- views: share storage, never copy ------------------------------------
    Tensor view(const Shape& shape) const;     // requires compatible strides; one dim may be -1
    Tensor reshape(const Shape& shape) const;  // a view when possible, else a copy
    Tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
    Tensor t() const; // transpose of a 2-D tensor
    Tensor permute(const std::vector<std::int64_t>& dims) const;
    Tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
    Tensor slice(std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step = 1) const;
    Tensor select(std::int64_t dim, std::int64_t index) const; // removes `dim`
    Tensor expand(const Shape& shape) const;                     // -1 keeps a size
    Tensor squeeze() const;                                      // removes every size-1 dim
    Tensor squeeze(std::int64_t dim) const;
    Tensor unsqueeze(std::int64_t dim) const;
    Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
    Tensor contiguous() const; // itself if already contiguous, else a copy

    // --- copies and conversion -------------------------------------------------
    Tensor clone() const;          // deep copy, differentiable
    Tensor to(DType dtype) const;  // conversion, differentiable between float types

    // --- autograd ------------------------------------------------------------
    bool requires_grad() const { return impl().requires_grad; }
    Tensor& requires_grad_(bool enabled = true); // only on leaves
    bool is_leaf() const;
    Tensor grad() const; // undefined until backward() reaches this leaf
    void set_grad(const Tensor& grad);
    void zero_grad(); // drops the accumulated gradient (like grad = None)
    std::shared_ptr<autograd::Node> grad_fn() const { return impl().grad_fn; }
    Tensor detach() const; // same data, cut from the graph
    // Reverse-mode differentiation from this tensor. Without `gradient` the
    // tensor must hold one element (d self / d self = 1).
    void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;

    // --- in-place updates (optimizers, initialisers) ---------------------------
    // Allowed on tensors that do not require grad, or inside NoGradGuard.
    Tensor& copy_(const Tensor& source); // broadcasts source to this shape
    Tensor& fill_(double value);
    Tensor& add_(const Tensor& other, double alpha = 1.0); // this += alpha * other
    Tensor& mul_(double factor);

    // --- method forms of the ops in ops.hpp ------------------------------------
    Tensor sum() const;
    Tensor sum(const std::vector<std::int64_t>& dims, bool keepdim = false) const;
    Tensor mean() const;
    Tensor mean(const std::vector<std::int64_t>& dims, bool keepdim = false) const;
    Tensor matmul(const Tensor& other) const;
    Tensor exp() const;
    Tensor log() const;
    Tensor relu() const;

    std::string to_string() const;

    TensorImpl& impl() const;
    const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

private:
    std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

// --- factories --------------------------------------------------------------
Tensor empty(const Shape& shape, DType dtype = DType::Float32);
Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
Tensor ones(const Shape& shape, DType dtype = DType::Float32);
Tensor full(const Shape& shape, double value, DType dtype = DType::Float32);
Tensor zeros_like(const Tensor& like);
Tensor ones_like(const Tensor& like);
Tensor full_like(const Tensor& like, double value);
Tensor scalar_tensor(double value, DType dtype = DType::Float32);
// [start, end) in steps of `step`, like torch.arange.
Tensor arange(double start, double end, double step = 1.0, DType dtype = DType::Float32);
Tensor arange(std::int64_t end, DType dtype = DType::Int64);
// Copies `values` into a new tensor; shape defaults to [values.size()].
Tensor from_vector(const std::vector<float>& values, const Shape& shape = {});
Tensor from_vector(const std::vector<double>& values, const Shape& shape = {});
Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape = {});
// tensor({1, 2, 3}) and tensor({{1, 2}, {3, 4}}): float32 unless dtype says otherwise.
Tensor tensor(std::initializer_list<double> values, DType dtype = DType::Float32);
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, DType dtype = DType::Float32);

// --- random factories: always from an explicit, seeded Generator ---------------
Tensor rand(const Shape& shape, Generator& generator, DType dtype = DType::Float32);  // U[0, 1)
Tensor randn(const Shape& shape, Generator& generator, DType dtype = DType::Float32); // N(0, 1)
// Integers uniform in [low, high).
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& generator,
               DType dtype = DType::Int64);
// Fills in place (used by nn::init): uniform in [low, high) and normal(mean, std).
Tensor& uniform_(Tensor& tensor, double low, double high, Generator& generator);
Tensor& normal_(Tensor& tensor, double mean, double std, Generator& generator);
// A random permutation of 0..n-1 (int64).
Tensor randperm(std::int64_t n, Generator& generator);

// --- template definitions ---------------------------------------------------
template <typename T> T* Tensor::data() {
    if (dtype_of<T>() != dtype()) {
        throw std::invalid_argument(std::string("data<") + dtype_name(dtype_of<T>()) + ">: tensor has dtype " +
                                    dtype_name(dtype()));
    }
    return static_cast<T*>(impl().storage->data()) + impl().offset;
}

template <typename T> const T* Tensor::data() const {
    return const_cast<Tensor*>(this)->data<T>();
}

} // namespace kindling
