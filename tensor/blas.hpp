// Kindling's one door to OpenBLAS: every matrix product of the library's ops
// (matmul, Linear, Conv2d) goes through blas_gemm.
//
//   c [m, n] = alpha * op(a) [m, k] @ op(b) [k, n] + beta * c
//
// row-major like cblas_sgemm with CblasRowMajor; op(x) is x or its transpose;
// lda, ldb, ldc are the row strides of the matrices as stored.
//
// Threads: OpenBLAS itself always runs on the calling thread. When blas_gemm
// is called outside an OpenMP parallel region and the product is big, it
// splits c into one block of rows (or columns) per OpenMP thread and each
// thread multiplies its block. So one thread pool (OpenMP's) does all of
// Kindling's parallel work, and OpenBLAS's threads never compete with it: two
// pools on two cores measured up to 2x slower, because OpenMP's idle threads
// spin for a while after each parallel loop, on the cores OpenBLAS's threads
// then need (tensor/parallel.hpp).
#pragma once

#include <cstdint>

namespace kindling {

void blas_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
               const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
               std::int64_t ldc);
void blas_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
               const double* a, std::int64_t lda, const double* b, std::int64_t ldb, double beta, double* c,
               std::int64_t ldc);

// OpenBLAS starts with one thread per core; this sets it to one, the first
// time it is called. Every path from Kindling to OpenBLAS calls it first.
void use_single_threaded_blas();

} // namespace kindling
