#include "tensor/shape.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace kindling {

std::string shape_to_string(const Shape& shape) {
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

std::int64_t shape_numel(const Shape& shape) {
    std::int64_t count = 1;
    for (std::int64_t size : shape) count *= size;
    return count;
}

Shape contiguous_strides(const Shape& shape) {
    Shape strides(shape.size());
    std::int64_t stride = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = stride;
        stride *= std::max<std::int64_t>(shape[i], 1);
    }
    return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape result(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        // Walk from the right: missing leading dimensions count as size 1.
        const std::int64_t size_a = i < a.size() ? a[a.size() - 1 - i] : 1;
        const std::int64_t size_b = i < b.size() ? b[b.size() - 1 - i] : 1;
        if (size_a != size_b && size_a != 1 && size_b != 1) {
            throw std::invalid_argument(std::string(op) + ": shapes " + shape_to_string(a) + " and " +
                                        shape_to_string(b) + " cannot be broadcast together");
        }
        result[rank - 1 - i] = size_a == 1 ? size_b : size_a;
    }
    return result;
}

std::int64_t normalize_dim(std::int64_t dim, std::int64_t rank, const char* op) {
    const std::int64_t lowest = rank == 0 ? -1 : -rank;
    const std::int64_t highest = rank == 0 ? 0 : rank - 1;
    if (dim < lowest || dim > highest) {
        throw std::out_of_range(std::string(op) + ": dim " + std::to_string(dim) +
                                " is out of range for a tensor of rank " + std::to_string(rank) +
                                " (expected " + std::to_string(lowest) + ".." + std::to_string(highest) + ")");
    }
    return dim < 0 ? dim + std::max<std::int64_t>(rank, 1) : dim;
}

void check_sizes_non_negative(const Shape& shape, const char* op) {
    for (std::int64_t size : shape) {
        if (size < 0) {
            throw std::invalid_argument(std::string(op) + ": negative size in shape " + shape_to_string(shape));
        }
    }
}

} // namespace kindling
