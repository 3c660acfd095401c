// Every tensor operation, differentiable where PyTorch's is.
//
// Each op is implemented in the file named in its section, with its forward
// computation and its backward (the derivative, with shapes) side by side.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling {

// --- element-wise binary ops with broadcasting (tensor/binary_ops.cpp) --------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& base, const Tensor& exponent);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// Comparisons give 0/1 masks in the inputs' dtype (not differentiable).
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);

// where(condition, a, b): a where condition != 0, else b; all three broadcast.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
// A scalar on either side becomes a 0-d tensor of the tensor's dtype.
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

// --- element-wise unary ops (tensor/unary_ops.cpp) ----------------------------
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor pow(const Tensor& x, double exponent);
Tensor clamp(const Tensor& x, double min_value, double max_value);
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);

// --- reductions (tensor/reductions.cpp) ---------------------------------------
// `dims` empty means every dimension. keepdim keeps reduced dims as size 1.
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false);
// Variance; unbiased divides by (n - 1) like torch.var's default.
Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, bool unbiased = true, bool keepdim = false);
// Values and int64 indices of the maximum along `dim` (first index on ties).
std::pair<Tensor, Tensor> max(const Tensor& x, std::int64_t dim, bool keepdim = false);
std::pair<Tensor, Tensor> min(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor max(const Tensor& x); // of all elements
Tensor min(const Tensor& x);
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim = false);
// log(sum(exp(x))) along dim, computed stably by subtracting the max first.
Tensor logsumexp(const Tensor& x, std::int64_t dim, bool keepdim = false);
// Sums `x` over broadcast dimensions so it gets `shape` back: the backward of
// broadcasting. [4, 2, 3] -> [2, 1] sums dim 0 and dim 2 (keeping it).
Tensor sum_to(const Tensor& x, const Shape& shape);

// --- matrix products through OpenBLAS (tensor/matmul.cpp) -----------------------
// [n, k] @ [k, m] -> [n, m]; batched [..., n, k] @ [..., k, m] with broadcast
// batch dims; a 1-D operand is treated as a vector like torch.matmul.
Tensor matmul(const Tensor& a, const Tensor& b);

// --- joining and gathering (tensor/join.cpp) -----------------------------------
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
// out[i][j] = x[i][index[i][j]] along dim (torch.gather), differentiable in x.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index);
// Rows of x picked by an int64 index vector: x[index] (torch.index_select dim 0 style).
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index);

} // namespace kindling
