// Matrix products through OpenBLAS (blas_gemm: cblas_sgemm for float32,
// cblas_dgemm for float64, split across threads when big). No hand-written
// GEMM on this path (tensor/gemm.hpp has the teaching versions, tested
// against this one).
//
//   a [n, k] @ b [k, m] -> out [n, m]
//   backward:  da = g @ bᵀ   [n, m] @ [m, k] -> [n, k]
//              db = aᵀ @ g   [k, n] @ [n, m] -> [k, m]
//
// Batched: a [..., n, k] @ b [..., k, m] -> [..., n, m], with the batch dims
// broadcast; their gradients are summed back with sum_to().
#include <algorithm>
#include <array>
#include <type_traits>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/blas.hpp"
#include "tensor/ops.hpp"
#include "tensor/strided_loop.hpp"

namespace kindling {

namespace {

// How BLAS reads one matrix in memory: row-major with unit column stride
// (as is), or a transposed view of such a matrix (unit row stride, read with
// CblasTrans). Anything else has to be copied first.
struct BlasLayout {
    bool transposed = false;
    int leading_dimension = 1;
};

bool blas_readable(std::int64_t rows, std::int64_t cols, std::int64_t row_stride, std::int64_t col_stride,
                   BlasLayout& layout) {
    if ((col_stride == 1 || cols == 1) && row_stride >= std::max<std::int64_t>(cols, 1)) {
        layout = {false, static_cast<int>(row_stride)};
        return true;
    }
    if ((row_stride == 1 || rows == 1) && col_stride >= std::max<std::int64_t>(rows, 1)) {
        layout = {true, static_cast<int>(col_stride)};
        return true;
    }
    return false;
}

// `matrix` itself if the last two dims are BLAS-readable, else a contiguous copy.
Tensor blas_operand(const Tensor& matrix, BlasLayout& layout) {
    const std::int64_t rank = matrix.dim();
    if (blas_readable(matrix.size(-2), matrix.size(-1), matrix.strides()[rank - 2], matrix.strides()[rank - 1],
                      layout)) {
        return matrix;
    }
    Tensor copy = matrix.contiguous();
    layout = {false, static_cast<int>(std::max<std::int64_t>(copy.size(-1), 1))};
    return copy;
}

// out [n, m] = a [n, k] @ b [k, m] for one matrix of each; out is contiguous.
template <typename T>
void gemm(const T* a, BlasLayout a_layout, const T* b, BlasLayout b_layout, T* out, std::int64_t n, std::int64_t k,
          std::int64_t m) {
    blas_gemm(a_layout.transposed, b_layout.transposed, n, m, k, T(1), a, a_layout.leading_dimension, b,
              b_layout.leading_dimension, T(0), out, std::max<std::int64_t>(m, 1));
}

// a [..., n, k] @ b [..., k, m] -> [..., n, m], both at least 2-D. The forward kernel.
// Broadcast batch dims are expanded as views (stride 0), never copied: a
// weight [k, m] shared by a batch of 64 is read 64 times from one place.
Tensor batched_matmul_forward(const Tensor& a, const Tensor& b) {
    const Shape a_batch(a.shape().begin(), a.shape().end() - 2);
    const Shape b_batch(b.shape().begin(), b.shape().end() - 2);
    const Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
    const std::int64_t n = a.size(-2), k = a.size(-1), m = b.size(-1);

    Shape a_full = batch, b_full = batch, out_shape = batch;
    a_full.insert(a_full.end(), {n, k});
    b_full.insert(b_full.end(), {k, m});
    out_shape.insert(out_shape.end(), {n, m});
    BlasLayout a_layout, b_layout;
    const Tensor a_batches = blas_operand(a, a_layout).expand(a_full);
    const Tensor b_batches = blas_operand(b, b_layout).expand(b_full);
    Tensor out = empty(out_shape, a.dtype());
    if (n == 0 || m == 0) return out;

    // One GEMM per batch index; for_each_offset yields each operand's offset
    // to that batch's matrix (a plain 2-D product is the single index of batch []).
    const auto batch_strides = [&](const Tensor& t) { return Shape(t.strides().begin(), t.strides().end() - 2); };
    const std::array<Shape, 3> layout{batch_strides(a_batches), batch_strides(b_batches), batch_strides(out)};
    visit_floating(a.dtype(), "matmul", [&]<typename T>() {
        const T* a_data = a_batches.data<T>();
        const T* b_data = b_batches.data<T>();
        T* out_data = out.data<T>();
        detail::for_each_offset<3>(batch, layout, [&](std::int64_t, const auto& offsets) {
            gemm<T>(a_data + offsets[0], a_layout, b_data + offsets[1], b_layout, out_data + offsets[2], n, k, m);
        });
    });
    return out;
}

} // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
    if (a.dim() == 0 || b.dim() == 0) {
        throw std::invalid_argument("matmul: both arguments need at least 1 dimension, got shapes " +
                                    shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()));
    }
    if (a.dtype() != b.dtype()) {
        throw std::invalid_argument(std::string("matmul: dtype mismatch: ") + dtype_name(a.dtype()) + " and " +
                                    dtype_name(b.dtype()));
    }
    // Checked before the vector cases below, so the message names the shapes the caller passed.
    const std::int64_t b_rows = b.dim() == 1 ? b.size(0) : b.size(-2);
    if (a.size(-1) != b_rows) {
        throw std::invalid_argument("matmul: shapes " + shape_to_string(a.shape()) + " and " +
                                    shape_to_string(b.shape()) + " are incompatible (" + std::to_string(a.size(-1)) +
                                    " != " + std::to_string(b_rows) + ")");
    }
    // A vector is a one-row (left) or one-column (right) matrix whose extra dim
    // is dropped again afterwards, exactly like torch.matmul.
    if (a.dim() == 1) { // the row dim sits before m, which a vector b has already dropped
        const Tensor product = matmul(a.unsqueeze(0), b);
        return product.squeeze(b.dim() == 1 ? -1 : -2);
    }
    if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
    Tensor out = [&] {
        autograd::NoGradGuard no_grad;
        return batched_matmul_forward(a, b);
    }();
    return autograd::record("matmul", out, {a, b}, [a, b](const Tensor& g) {
        return std::vector<Tensor>{
            a.requires_grad() ? sum_to(matmul(g, b.transpose(-1, -2)), a.shape()) : Tensor(),
            b.requires_grad() ? sum_to(matmul(a.transpose(-1, -2), g), b.shape()) : Tensor()};
    });
}

} // namespace kindling
