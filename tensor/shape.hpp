// Shapes, strides and broadcasting: the bookkeeping that lets many tensors
// share one block of memory.
//
// A tensor of shape [2, 3] stored row-major has strides [3, 1]: element (i, j)
// lives at offset + i*3 + j*1. A transposed view has shape [3, 2] and strides
// [1, 3] over the same memory. Broadcasting gives a dimension stride 0, so one
// value is read for every index along it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kindling {

using Shape = std::vector<std::int64_t>;

// "[2, 3]" — used in every error message that names a shape.
std::string shape_to_string(const Shape& shape);

// Product of the sizes; 1 for a scalar (shape []).
std::int64_t shape_numel(const Shape& shape);

// Row-major ("C order") strides for a shape: [2, 3, 4] -> [12, 4, 1].
Shape contiguous_strides(const Shape& shape);

// NumPy/PyTorch rule: align shapes on the right; two sizes are compatible when
// equal or when one of them is 1. [4, 1, 3] and [2, 1] -> [4, 2, 3].
// Throws naming `op` and both shapes when they are not compatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Turns a possibly negative dim (-1 = last) into 0..rank-1, or throws naming op.
std::int64_t normalize_dim(std::int64_t dim, std::int64_t rank, const char* op);

// Throws when any size is negative (zero is allowed: empty tensors are real).
void check_sizes_non_negative(const Shape& shape, const char* op);

} // namespace kindling
