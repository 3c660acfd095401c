#include "tensor/blas.hpp"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <type_traits>

#include "tensor/parallel.hpp"

namespace kindling {

namespace {

// Below this many multiply-adds a product is done before a thread team wakes up.
constexpr std::int64_t min_parallel_multiply_adds = 1 << 20;

// Blocks are cut at multiples of this many rows or columns: OpenBLAS's
// micro-kernels work on tiles of up to 16, and a ragged tile in the middle of
// c would run at partial speed.
constexpr std::int64_t block_alignment = 16;

// The single-threaded call to OpenBLAS.
template <typename T>
void blas_call(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a,
               std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
    use_single_threaded_blas();
    const auto op_a = transpose_a ? CblasTrans : CblasNoTrans;
    const auto op_b = transpose_b ? CblasTrans : CblasNoTrans;
    const auto i = [](std::int64_t value) { return static_cast<int>(value); };
    if constexpr (std::is_same_v<T, float>) {
        cblas_sgemm(CblasRowMajor, op_a, op_b, i(m), i(n), i(k), alpha, a, i(lda), b, i(ldb), beta, c, i(ldc));
    } else {
        cblas_dgemm(CblasRowMajor, op_a, op_b, i(m), i(n), i(k), alpha, a, i(lda), b, i(ldb), beta, c, i(ldc));
    }
}

template <typename T>
void split_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                const T* a, std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
    if (m == 0 || n == 0) return;
    if (k == 0) { // an empty sum: c = beta * c (BLAS may skip the call entirely)
        for (std::int64_t row = 0; row < m; ++row) {
            for (std::int64_t column = 0; column < n; ++column) {
                c[row * ldc + column] = beta == T(0) ? T(0) : beta * c[row * ldc + column];
            }
        }
        return;
    }
    const int threads = get_num_threads();
    if (threads == 1 || omp_get_level() > 0 || m * n * k < min_parallel_multiply_adds) {
        blas_call(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    // Split the longer side of c. Rows [first, first + count) of op(a) start
    // at a + first * lda as stored, or at a + first when a is transposed;
    // likewise for columns of op(b).
    const bool split_rows = m >= n;
    const std::int64_t length = split_rows ? m : n;
    const std::int64_t per_thread = (length + threads - 1) / threads;
    const std::int64_t block = (per_thread + block_alignment - 1) / block_alignment * block_alignment;
#pragma omp parallel for schedule(static, 1)
    for (int part = 0; part < threads; ++part) {
        const std::int64_t first = part * block;
        const std::int64_t count = std::min(block, length - first);
        if (count <= 0) continue;
        if (split_rows) {
            const T* a_block = a + (transpose_a ? first : first * lda);
            blas_call(transpose_a, transpose_b, count, n, k, alpha, a_block, lda, b, ldb, beta, c + first * ldc, ldc);
        } else {
            const T* b_block = b + (transpose_b ? first * ldb : first);
            blas_call(transpose_a, transpose_b, m, count, k, alpha, a, lda, b_block, ldb, beta, c + first, ldc);
        }
    }
}

} // namespace

void use_single_threaded_blas() {
    static const bool done = (openblas_set_num_threads(1), true); // thread-safe, once
    (void)done;
}

void blas_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
               const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
               std::int64_t ldc) {
    split_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void blas_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
               const double* a, std::int64_t lda, const double* b, std::int64_t ldb, double beta, double* c,
               std::int64_t ldc) {
    split_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

} // namespace kindling
