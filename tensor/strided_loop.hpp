// The loop every element-wise kernel uses: visit each index of `shape` and
// hand the body the matching element offset in each operand.
//
// Operand k's offset for index (i0, i1, ..., in) is sum(i_d * strides_k[d]).
// A broadcast operand has stride 0 along the broadcast dims, so the same
// element is read again and again without any copy.
//
// Internal header: kernels include it, users never need to.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tensor/shape.hpp"
#include "tensor/tensor.hpp"

namespace kindling::detail {

// Strides that make `tensor` read as `shape` (which it must broadcast to):
// stride 0 for dims it lacks or has as size 1.
inline Shape broadcast_strides(const Tensor& tensor, const Shape& shape) {
    Shape strides(shape.size(), 0);
    const std::size_t missing = shape.size() - tensor.shape().size();
    for (std::size_t d = 0; d < tensor.shape().size(); ++d) {
        if (tensor.shape()[d] != 1) strides[missing + d] = tensor.strides()[d];
    }
    return strides;
}

// Merges neighbouring dims that every operand walks as one: dims d and d+1
// fold together when stride[d] == stride[d+1] * size[d+1] for all operands.
// A contiguous [N, C, H, W] with a per-channel [1, C, 1, 1] operand becomes
// [N, C, H*W], so the innermost loop runs over H*W elements instead of W.
// Size-1 dims are dropped first: they never move any offset.
template <std::size_t Operands>
void coalesce_dims(Shape& shape, std::array<Shape, Operands>& strides) {
    Shape merged_shape;
    std::array<Shape, Operands> merged_strides;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 1) continue;
        bool foldable = !merged_shape.empty();
        for (std::size_t k = 0; k < Operands && foldable; ++k) {
            foldable = merged_strides[k].back() == strides[k][d] * shape[d];
        }
        if (foldable) {
            merged_shape.back() *= shape[d];
            for (std::size_t k = 0; k < Operands; ++k) merged_strides[k].back() = strides[k][d];
        } else {
            merged_shape.push_back(shape[d]);
            for (std::size_t k = 0; k < Operands; ++k) merged_strides[k].push_back(strides[k][d]);
        }
    }
    shape = std::move(merged_shape);
    strides = std::move(merged_strides);
}

// body(linear_index, offsets) for every index of `shape` in row-major order;
// offsets[k] is the element offset into operand k. The innermost dim is a
// plain loop so the compiler can keep it tight.
template <std::size_t Operands, typename Body>
void for_each_offset(const Shape& logical_shape, const std::array<Shape, Operands>& logical_strides, Body&& body) {
    const std::int64_t total = shape_numel(logical_shape);
    if (total == 0) return;
    Shape shape = logical_shape;
    std::array<Shape, Operands> strides = logical_strides;
    coalesce_dims(shape, strides); // same visiting order, fewer and longer inner loops
    const std::size_t rank = shape.size();
    if (rank == 0) {
        body(std::int64_t{0}, std::array<std::int64_t, Operands>{});
        return;
    }
    const std::int64_t inner_size = shape[rank - 1];
    std::array<std::int64_t, Operands> inner_stride{};
    for (std::size_t k = 0; k < Operands; ++k) inner_stride[k] = strides[k][rank - 1];

    std::vector<std::int64_t> index(rank, 0); // odometer over the outer dims
    std::array<std::int64_t, Operands> base{};
    for (std::int64_t linear = 0; linear < total; linear += inner_size) {
        std::array<std::int64_t, Operands> offsets = base;
        for (std::int64_t i = 0; i < inner_size; ++i) {
            body(linear + i, offsets);
            for (std::size_t k = 0; k < Operands; ++k) offsets[k] += inner_stride[k];
        }
        // Advance the odometer by one step of dim rank-2, carrying leftwards.
        for (std::size_t d = rank - 1; d-- > 0;) {
            ++index[d];
            for (std::size_t k = 0; k < Operands; ++k) base[k] += strides[k][d];
            if (index[d] < shape[d]) break;
            for (std::size_t k = 0; k < Operands; ++k) base[k] -= strides[k][d] * shape[d];
            index[d] = 0;
        }
    }
}

} // namespace kindling::detail
