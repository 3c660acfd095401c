// Printing tensors the way PyTorch does:
//
//   tensor([[ 0.1000, -2.5000],
//           [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32)
//
// Large tensors (over 1000 elements) show the first and last 3 entries of each
// dimension with "..." between, so printing a batch of images stays readable.
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "autograd/node.hpp"
#include "tensor/tensor.hpp"

namespace kindling {

namespace {

constexpr std::int64_t summarize_above = 1000;
constexpr std::int64_t edge_items = 3;

// How every number in the tensor is written, decided once so columns line up.
struct NumberFormat {
    bool integer_valued = true;  // print "3." like PyTorch, not "3.0000"
    bool scientific = false;     // for very large or very small magnitudes
    int width = 1;
};

std::string format_number(double value, const NumberFormat& format, DType dtype) {
    std::ostringstream out;
    if (dtype == DType::Int64) {
        out << static_cast<std::int64_t>(value);
    } else if (std::isnan(value)) {
        out << "nan";
    } else if (std::isinf(value)) {
        out << (value > 0 ? "inf" : "-inf");
    } else if (format.scientific) {
        out << std::scientific << std::setprecision(4) << value;
    } else if (format.integer_valued) {
        out << std::fixed << std::setprecision(0) << value << '.';
    } else {
        out << std::fixed << std::setprecision(4) << value;
    }
    return out.str();
}

NumberFormat choose_format(const std::vector<double>& values, DType dtype) {
    NumberFormat format;
    double largest = 0.0, smallest_nonzero = INFINITY;
    for (double value : values) {
        if (!std::isfinite(value)) continue;
        if (value != std::floor(value)) format.integer_valued = false;
        largest = std::max(largest, std::fabs(value));
        if (value != 0.0) smallest_nonzero = std::min(smallest_nonzero, std::fabs(value));
    }
    if (is_floating(dtype)) {
        format.scientific = largest >= 1e8 || (!format.integer_valued && smallest_nonzero < 1e-4);
    }
    for (double value : values) {
        format.width = std::max(format.width, static_cast<int>(format_number(value, format, dtype).size()));
    }
    return format;
}

void print_dimension(std::ostream& out, const Tensor& tensor, std::vector<std::int64_t>& index, std::size_t dim,
                     bool summarize, const NumberFormat& format, int indent) {
    const std::int64_t extent = tensor.shape()[dim];
    const bool innermost = dim + 1 == tensor.shape().size();
    out << '[';
    for (std::int64_t i = 0; i < extent; ++i) {
        if (summarize && extent > 2 * edge_items && i == edge_items) {
            out << (innermost ? "..., " : "...,\n" + std::string(indent + dim + 1, ' '));
            i = extent - edge_items;
        }
        index[dim] = i;
        if (innermost) {
            out << std::setw(format.width) << format_number(tensor.at(index), format, tensor.dtype());
        } else {
            print_dimension(out, tensor, index, dim + 1, summarize, format, indent);
        }
        if (i + 1 < extent) {
            if (innermost) {
                out << ", ";
            } else {
                out << ',' << std::string(tensor.shape().size() - dim - 1, '\n') << std::string(indent + dim + 1, ' ');
            }
        }
    }
    out << ']';
}

} // namespace

std::string Tensor::to_string() const {
    if (!defined()) return "tensor(undefined)";
    std::ostringstream out;
    const std::string prefix = "tensor(";
    const bool summarize = numel() > summarize_above;
    // Choose the number format from the values that will actually be shown.
    std::vector<double> shown = summarize ? std::vector<double>{} : to_vector<double>();
    if (summarize) {
        const std::vector<double> all = to_vector<double>();
        for (std::size_t i = 0; i < all.size() && i < 2000; ++i) shown.push_back(all[i]);
    }
    const NumberFormat format = choose_format(shown, dtype());
    out << prefix;
    if (dim() == 0) {
        out << format_number(item(), format, dtype());
    } else {
        std::vector<std::int64_t> index(shape().size(), 0);
        if (numel() == 0) {
            out << "[]";
        } else {
            print_dimension(out, *this, index, 0, summarize, format, static_cast<int>(prefix.size()));
        }
    }
    out << ", shape=" << shape_to_string(shape()) << ", dtype=" << dtype_name(dtype());
    if (grad_fn()) {
        out << ", grad_fn=" << grad_fn()->name;
    } else if (requires_grad()) {
        out << ", requires_grad=true";
    }
    out << ')';
    return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) { return out << tensor.to_string(); }

} // namespace kindling
