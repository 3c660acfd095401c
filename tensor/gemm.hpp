// Two hand-written matrix products, for learning how BLAS gets fast: a naive
// triple loop and a cache-blocked one with a register-tiled micro-kernel; and
// OpenBLAS behind the same signature, so the three can be swapped.
// Kindling's own ops call OpenBLAS (tensor/matmul.cpp, nn/conv2d.cpp); these
// two are rungs of the convolution ladder (nn/conv2d_ladder.hpp,
// benchmarks/conv_ladder.cpp) and are tested against cblas_sgemm.
//
// All three compute, like cblas_sgemm with CblasRowMajor,
//
//   C [m, n] = alpha * op(A) [m, k] @ op(B) [k, n] + beta * C
//
// where op(X) is X or its transpose. Every matrix is row-major with a row
// stride ("leading dimension", ld) of at least its row length as stored:
//   A is stored [m, k] (lda >= k), or [k, m] (lda >= m) when transposed;
//   B is stored [k, n] (ldb >= n), or [n, k] (ldb >= k) when transposed;
//   C is stored [m, n] (ldc >= n).
// As in BLAS, beta == 0 means C is only written, never read (so whatever
// was in it, even NaN, does not leak into the result).
#pragma once

#include <cstdint>

namespace kindling {

enum class Transpose : bool { No = false, Yes = true };

// Three loops straight from the definition: C[i][j] = sum over p of A[i][p] * B[p][j].
// Reads B down a column (a stride of ldb floats per step), so almost every
// read misses the cache on large matrices. The reference for blocked_gemm.
void naive_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
                std::int64_t ldc);

// The same product, organised for the memory hierarchy (tensor/gemm.cpp
// explains the blocking); single-threaded. Within a few ulps * k of
// naive_gemm: the sums are added in a different order.
void blocked_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                  float* c, std::int64_t ldc);

// cblas_sgemm(CblasRowMajor, ...) on the calling thread: Kindling keeps
// OpenBLAS single-threaded (tensor/parallel.hpp).
void openblas_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                   float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                   float* c, std::int64_t ldc);

} // namespace kindling
