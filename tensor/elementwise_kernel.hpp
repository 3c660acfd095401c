// The two loops behind every element-wise op: apply a scalar function to one
// tensor, or to two tensors broadcast against each other.
//
// Internal header. The fast path (same shape, both contiguous) is a plain
// indexed loop that the compiler vectorizes, split across the threads when it
// is long (activations of a CNN batch are millions of elements); everything
// else goes through the strided loop of strided_loop.hpp.
#pragma once

#include <algorithm>
#include <string>

#include "tensor/parallel.hpp"
#include "tensor/strided_loop.hpp"
#include "tensor/tensor.hpp"

namespace kindling::detail {

inline void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
    if (a.dtype() != b.dtype()) {
        throw std::invalid_argument(std::string(op) + ": dtype mismatch: " + dtype_name(a.dtype()) + " " +
                                    shape_to_string(a.shape()) + " and " + dtype_name(b.dtype()) + " " +
                                    shape_to_string(b.shape()));
    }
}

// out[i] = function(x[i]) for element type T.
template <typename T, typename Function> Tensor map_unary(const Tensor& x, Function function) {
    Tensor result = empty(x.shape(), x.dtype());
    const T* input = x.data<T>();
    T* output = result.data<T>();
    if (x.is_contiguous()) {
        const std::int64_t count = x.numel();
#pragma omp parallel for simd schedule(static) if (count >= min_parallel_elements)
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(input[i]);
    } else {
        for_each_offset<1>(x.shape(), {x.strides()},
                           [&](std::int64_t i, const auto& offsets) { output[i] = function(input[offsets[0]]); });
    }
    return result;
}

// True when `small`, read as `shape`, repeats every numel(small) elements of a
// contiguous `shape`: its dims (leading 1s aside) are exactly shape's last
// dims. A bias [C] against activations [N, C] is the everyday case.
inline bool is_trailing_block(const Shape& small, const Shape& shape) {
    std::size_t first = 0;
    while (first < small.size() && small[first] == 1) ++first;
    const std::size_t block_rank = small.size() - first;
    if (block_rank > shape.size()) return false;
    return std::equal(small.begin() + static_cast<std::ptrdiff_t>(first), small.end(),
                      shape.end() - static_cast<std::ptrdiff_t>(block_rank));
}

// out[index] = function(a[index], b[index]) over the broadcast shape.
//
// Fast paths (all operands contiguous), in the order they are tried:
//   same shape            out[i] = f(a[i], b[i])
//   one side a scalar     out[i] = f(a[i], b0)  or  f(a0, b[i])
//   one side a tile       out[r*m + j] = f(a[r*m + j], b[j])  (bias-like)
// The strided loop below them is the reference every fast path must match
// (tests compare contiguous inputs with transposed copies of them).
template <typename T, typename Function>
Tensor map_binary(const Tensor& a, const Tensor& b, const char* op, Function function) {
    check_same_dtype(a, b, op);
    const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
    Tensor result = empty(shape, a.dtype());
    const T* left = a.data<T>();
    const T* right = b.data<T>();
    T* output = result.data<T>();
    const std::int64_t count = result.numel();
    const bool contiguous = a.is_contiguous() && b.is_contiguous();
    const bool a_full = a.shape() == shape, b_full = b.shape() == shape;
    const bool parallel = count >= min_parallel_elements;
    if (contiguous && a_full && b_full) {
#pragma omp parallel for simd schedule(static) if (parallel)
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(left[i], right[i]);
    } else if (contiguous && a_full && b.numel() == 1) {
        const T scalar = right[0];
#pragma omp parallel for simd schedule(static) if (parallel)
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(left[i], scalar);
    } else if (contiguous && b_full && a.numel() == 1) {
        const T scalar = left[0];
#pragma omp parallel for simd schedule(static) if (parallel)
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(scalar, right[i]);
    } else if (contiguous && a_full && b.numel() > 0 && is_trailing_block(b.shape(), shape)) {
        const std::int64_t block = b.numel();
#pragma omp parallel for schedule(static) if (parallel)
        for (std::int64_t row = 0; row < count; row += block) {
            for (std::int64_t j = 0; j < block; ++j) output[row + j] = function(left[row + j], right[j]);
        }
    } else if (contiguous && b_full && a.numel() > 0 && is_trailing_block(a.shape(), shape)) {
        const std::int64_t block = a.numel();
#pragma omp parallel for schedule(static) if (parallel)
        for (std::int64_t row = 0; row < count; row += block) {
            for (std::int64_t j = 0; j < block; ++j) output[row + j] = function(left[j], right[row + j]);
        }
    } else {
        const std::array<Shape, 2> layout{broadcast_strides(a, shape), broadcast_strides(b, shape)};
        for_each_offset<2>(shape, layout, [&](std::int64_t i, const auto& offsets) {
            output[i] = function(left[offsets[0]], right[offsets[1]]);
        });
    }
    return result;
}

} // namespace kindling::detail
