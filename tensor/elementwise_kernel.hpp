// The two loops behind every element-wise op: apply a scalar function to one
// tensor, or to two tensors broadcast against each other.
//
// Internal header. The fast path (same shape, both contiguous) is a plain
// indexed loop that the compiler vectorizes; everything else goes through the
// strided loop of strided_loop.hpp.
#pragma once

#include <string>

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
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(input[i]);
    } else {
        for_each_offset<1>(x.shape(), {x.strides()},
                           [&](std::int64_t i, const auto& offsets) { output[i] = function(input[offsets[0]]); });
    }
    return result;
}

// out[index] = function(a[index], b[index]) over the broadcast shape.
template <typename T, typename Function>
Tensor map_binary(const Tensor& a, const Tensor& b, const char* op, Function function) {
    check_same_dtype(a, b, op);
    const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
    Tensor result = empty(shape, a.dtype());
    const T* left = a.data<T>();
    const T* right = b.data<T>();
    T* output = result.data<T>();
    if (a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {
        const std::int64_t count = result.numel();
        for (std::int64_t i = 0; i < count; ++i) output[i] = function(left[i], right[i]);
    } else {
        const std::array<Shape, 2> layout{broadcast_strides(a, shape), broadcast_strides(b, shape)};
        for_each_offset<2>(shape, layout, [&](std::int64_t i, const auto& offsets) {
            output[i] = function(left[offsets[0]], right[offsets[1]]);
        });
    }
    return result;
}

} // namespace kindling::detail
