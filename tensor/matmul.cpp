// Matrix products through OpenBLAS: cblas_sgemm for float32, cblas_dgemm for
// float64. No hand-written GEMM on this path (benchmarks/ has the teaching
// versions and compares them with this one).
//
//   a [n, k] @ b [k, m] -> out [n, m]
//   backward:  da = g @ bᵀ   [n, m] @ [m, k] -> [n, k]
//              db = aᵀ @ g   [k, n] @ [n, m] -> [k, m]
//
// Batched: a [..., n, k] @ b [..., k, m] -> [..., n, m], with the batch dims
// broadcast; their gradients are summed back with sum_to().
#include <cblas.h>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/ops.hpp"

namespace kindling {

namespace {

// A matrix BLAS can read without a copy: row-major with unit column stride
// (no transpose), or a transposed view of one (unit row stride).
struct BlasOperand {
    Tensor matrix;          // [rows, cols] as the product sees it
    bool transposed = false;
    std::int64_t leading_dimension = 0;
};

BlasOperand as_blas_operand(const Tensor& matrix) {
    const std::int64_t rows = matrix.shape()[0], cols = matrix.shape()[1];
    const std::int64_t row_stride = matrix.strides()[0], col_stride = matrix.strides()[1];
    if ((col_stride == 1 || cols == 1) && row_stride >= std::max<std::int64_t>(cols, 1)) {
        return {matrix, false, row_stride};
    }
    if ((row_stride == 1 || rows == 1) && col_stride >= std::max<std::int64_t>(rows, 1)) {
        return {matrix, true, col_stride};
    }
    Tensor copy = matrix.contiguous();
    return {copy, false, std::max<std::int64_t>(cols, 1)};
}

// out [n, m] = a [n, k] @ b [k, m], all 2-D, out contiguous.
template <typename T> void gemm_2d(const Tensor& a, const Tensor& b, Tensor& out) {
    const BlasOperand left = as_blas_operand(a);
    const BlasOperand right = as_blas_operand(b);
    const auto n = static_cast<int>(a.shape()[0]);
    const auto k = static_cast<int>(a.shape()[1]);
    const auto m = static_cast<int>(b.shape()[1]);
    if (n == 0 || m == 0) return;
    const auto left_op = left.transposed ? CblasTrans : CblasNoTrans;
    const auto right_op = right.transposed ? CblasTrans : CblasNoTrans;
    const auto lda = static_cast<int>(left.leading_dimension);
    const auto ldb = static_cast<int>(right.leading_dimension);
    if constexpr (std::is_same_v<T, float>) {
        cblas_sgemm(CblasRowMajor, left_op, right_op, n, m, k, 1.0f, left.matrix.data<float>(), lda,
                    right.matrix.data<float>(), ldb, 0.0f, out.data<float>(), std::max(m, 1));
    } else {
        cblas_dgemm(CblasRowMajor, left_op, right_op, n, m, k, 1.0, left.matrix.data<double>(), lda,
                    right.matrix.data<double>(), ldb, 0.0, out.data<double>(), std::max(m, 1));
    }
}

// a [..., n, k] @ b [..., k, m], both at least 2-D. The forward kernel.
Tensor batched_matmul_forward(const Tensor& a, const Tensor& b) {
    if (a.dim() == 2 && b.dim() == 2) { // the common case: straight to BLAS, transposed views included
        Tensor out = empty({a.size(0), b.size(1)}, a.dtype());
        visit_floating(a.dtype(), "matmul", [&]<typename T>() { gemm_2d<T>(a, b, out); });
        return out;
    }
    const Shape a_batch(a.shape().begin(), a.shape().end() - 2);
    const Shape b_batch(b.shape().begin(), b.shape().end() - 2);
    const Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
    const std::int64_t n = a.size(-2), k = a.size(-1), m = b.size(-1);

    Shape a_full = batch, b_full = batch, out_shape = batch;
    a_full.insert(a_full.end(), {n, k});
    b_full.insert(b_full.end(), {k, m});
    out_shape.insert(out_shape.end(), {n, m});
    const std::int64_t batch_count = shape_numel(batch);
    const Tensor a_batches = a.expand(a_full).reshape({batch_count, n, k});
    const Tensor b_batches = b.expand(b_full).reshape({batch_count, k, m});
    Tensor out = empty({batch_count, n, m}, a.dtype());
    visit_floating(a.dtype(), "matmul", [&]<typename T>() {
        for (std::int64_t i = 0; i < batch_count; ++i) {
            Tensor out_matrix = out.select(0, i);
            gemm_2d<T>(a_batches.select(0, i), b_batches.select(0, i), out_matrix);
        }
    });
    return out.view(out_shape);
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
    // A vector is a one-row (left) or one-column (right) matrix whose extra dim
    // is dropped again afterwards, exactly like torch.matmul.
    if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
    if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
    if (a.size(-1) != b.size(-2)) {
        throw std::invalid_argument("matmul: shapes " + shape_to_string(a.shape()) + " and " +
                                    shape_to_string(b.shape()) + " are incompatible (" + std::to_string(a.size(-1)) +
                                    " != " + std::to_string(b.size(-2)) + ")");
    }
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
