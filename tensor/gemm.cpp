// naive_gemm and blocked_gemm: C = alpha * op(A) @ op(B) + beta * C.
//
// Why the naive loop is slow. A multiply-add needs two numbers from memory;
// a core can do 32 float multiply-adds per cycle (two 16-wide AVX-512 FMA
// units) but load far fewer numbers than that from L2, and fewer still from
// RAM. The naive loop reloads B's column for every row of C, walking down it
// ldb floats at a time: one cache line fetched per useful float.
//
// How blocked_gemm fixes it (the Goto / BLIS algorithm, as in OpenBLAS):
//
//   for each column block of C and B   (column_block = NC columns)
//     for each depth block             (depth_block = KC)
//       pack  B[KC, NC]  -> packed_b   contiguous, NR columns at a time   (lives in L2)
//       for each row block             (row_block = MC rows)
//         pack  A[MC, KC] -> packed_a  contiguous, MR rows at a time      (lives in L2)
//         for each NR-wide sliver of packed_b                             (KC x NR floats: stays in L1)
//           for each MR-tall sliver of packed_a                           (streams in from L2)
//             micro-kernel: C[MR, NR] += sliver_a[MR, KC] @ sliver_b[KC, NR]   (C tile in registers)
//
//  - Register tiling. The micro-kernel keeps an MR x NR tile of C in vector
//    registers for all KC steps. Each step loads NR floats of B (two
//    vectors) and MR floats of A (broadcast one at a time) and does MR x NR
//    multiply-adds: 12 x 32 = 384 multiply-adds (24 vector FMAs) for 2 vector
//    loads and 12 broadcasts. AVX-512 has 32 vector registers: 24 hold the
//    tile, 2 the B vectors, 1 the broadcast A value. 24 independent
//    accumulators also cover the FMA latency (4 cycles x 2 units = at least
//    8 FMAs in flight), so the units never wait for each other.
//  - Packing. The micro-kernel reads both slivers front to back with no
//    strides, whatever the transposes and leading dimensions of the caller's
//    matrices: packing copies each block once (O(m*k + k*n) work) into the
//    exact order the micro-kernel consumes it (O(m*n*k) work), applies
//    alpha, and pads edge slivers with zeros so the micro-kernel always runs
//    full MR x NR tiles.
//  - Cache blocking. A KC x NR sliver of B (256 x 32 floats = 32 KB) stays in
//    the 48 KB L1 while the micro-kernel runs over every sliver of A with it;
//    the MC x KC block of A (96 x 256 floats = 96 KB) and the KC x NC panel
//    of B (256 x 512 floats = 512 KB) both stay in the 1 MB L2, so each A
//    sliver streams from L2 and each B sliver is fetched from L2 into L1 once
//    per row block. A wider B panel would spill to L3: measured, NC = 2048
//    ran a [64 x 288] @ [288 x 8192] product about 10% slower.
//  - Depth blocks of equal size (k = 288 -> 2 x 144, not 256 + 32): a short
//    last block would pay for loading and storing the C tile for little work.
//
// Measured on one core (Zen 5, GCC 12; bench_conv_ladder's BM_LadderGemm) on
// the three products of a 32 -> 64 channel 3x3 convolution, blocked_gemm runs
// 120-190 GFLOP/s: 1.3-1.9x OpenBLAS forced onto its AVX2 (Haswell) kernels,
// and about level with its AVX-512 kernels.
//
// The micro-kernel is plain C++: with the tile sizes known at compile time,
// GCC -O3 -march=native unrolls the i and j loops, keeps acc[][] in zmm
// registers and emits one vbroadcastss + two vfmadd231ps per row of the tile
// per step (check with `objdump -d`). No intrinsics.
#include "tensor/gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#include "tensor/blas.hpp"

namespace kindling {

namespace {

// op(X)[row][column] of a row-major matrix X with row stride ld.
float element(const float* x, std::int64_t ld, Transpose transpose, std::int64_t row, std::int64_t column) {
    return transpose == Transpose::Yes ? x[column * ld + row] : x[row * ld + column];
}

// C[i][j] = alpha * product + beta * C[i][j], never reading C when beta == 0.
float scaled_update(float product, float alpha, float beta, float old_value) {
    return alpha * product + (beta == 0.0f ? 0.0f : beta * old_value);
}

} // namespace

void naive_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
                std::int64_t ldc) {
    for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) {
            float sum = 0.0f;
            for (std::int64_t p = 0; p < k; ++p) {
                sum += element(a, lda, transpose_a, i, p) * element(b, ldb, transpose_b, p, j);
            }
            c[i * ldc + j] = scaled_update(sum, alpha, beta, c[i * ldc + j]);
        }
    }
}

namespace {

// The tile and block sizes of the header comment. micro_columns = two
// AVX-512 vectors of 16 floats; the blocks are multiples of the tile.
constexpr std::int64_t micro_rows = 12;     // MR
constexpr std::int64_t micro_columns = 32;  // NR
constexpr std::int64_t depth_block = 256;   // KC
constexpr std::int64_t row_block = 96;      // MC
constexpr std::int64_t column_block = 512;  // NC

// The packed blocks: one A block and one B panel per thread (so threads
// running their own GEMMs never share them), allocated on the thread's first
// call and reused by every later one. 64-byte aligned: one cache line, one
// zmm register, so no vector load of a sliver straddles two lines.
struct PackingBuffers {
    struct Free {
        void operator()(float* pointer) const { std::free(pointer); }
    };
    using Buffer = std::unique_ptr<float, Free>;
    Buffer a = allocate(row_block * depth_block);    // [MC, KC]
    Buffer b = allocate(depth_block * column_block); // [KC, NC]

    static Buffer allocate(std::int64_t count) {
        Buffer buffer(static_cast<float*>(std::aligned_alloc(64, static_cast<std::size_t>(count) * sizeof(float))));
        if (!buffer) throw std::bad_alloc();
        return buffer;
    }
};

// Copies one sliver, `width` lanes (MR rows of A or NR columns of B) wide:
//   packed[p][lane] = scale * source[lane * lane_stride + p * depth_stride]   for lane < lanes,
// and 0 for the padding lanes up to `width`. One of the two strides is 1 (the
// matrix as stored is contiguous along it) and the loops run along that one,
// so the reads stream through the cache.
void pack_sliver(const float* source, std::int64_t lane_stride, std::int64_t depth_stride, std::int64_t lanes,
                 std::int64_t depth, std::int64_t width, float scale, float* packed) {
    if (depth_stride == 1) { // each lane is a contiguous run along the depth: transpose while copying
        for (std::int64_t lane = 0; lane < lanes; ++lane) {
            for (std::int64_t p = 0; p < depth; ++p) packed[p * width + lane] = scale * source[lane * lane_stride + p];
        }
    } else { // lane_stride == 1: each step p is a contiguous run of lanes
        for (std::int64_t p = 0; p < depth; ++p) {
            for (std::int64_t lane = 0; lane < lanes; ++lane) {
                packed[p * width + lane] = scale * source[p * depth_stride + lane];
            }
        }
    }
    for (std::int64_t p = 0; p < depth; ++p) {
        for (std::int64_t lane = lanes; lane < width; ++lane) packed[p * width + lane] = 0.0f;
    }
}

// op(A)[rows, depth] (starting at row `first_row`, column `first_depth`) ->
// packed: slivers of micro_rows rows, each stored depth-major:
//   packed[s][p][i] = alpha * op(A)[first_row + s*MR + i][first_depth + p]   (0 past the last row)
void pack_a(Transpose transpose, const float* a, std::int64_t lda, std::int64_t first_row, std::int64_t rows,
            std::int64_t first_depth, std::int64_t depth, float alpha, float* packed) {
    // op(A)[i][p] sits at a[i*lda + p], or at a[p*lda + i] when transposed.
    const std::int64_t row_stride = transpose == Transpose::Yes ? 1 : lda;
    const std::int64_t depth_stride = transpose == Transpose::Yes ? lda : 1;
    for (std::int64_t sliver = 0; sliver < rows; sliver += micro_rows) {
        const float* source = a + (first_row + sliver) * row_stride + first_depth * depth_stride;
        pack_sliver(source, row_stride, depth_stride, std::min(micro_rows, rows - sliver), depth, micro_rows, alpha,
                    packed);
        packed += micro_rows * depth;
    }
}

// op(B)[depth, columns] -> packed: slivers of micro_columns columns, each stored depth-major:
//   packed[s][p][j] = op(B)[first_depth + p][first_column + s*NR + j]   (0 past the last column)
void pack_b(Transpose transpose, const float* b, std::int64_t ldb, std::int64_t first_depth, std::int64_t depth,
            std::int64_t first_column, std::int64_t columns, float* packed) {
    // op(B)[p][j] sits at b[p*ldb + j], or at b[j*ldb + p] when transposed.
    const std::int64_t column_stride = transpose == Transpose::Yes ? ldb : 1;
    const std::int64_t depth_stride = transpose == Transpose::Yes ? 1 : ldb;
    for (std::int64_t sliver = 0; sliver < columns; sliver += micro_columns) {
        const float* source = b + first_depth * depth_stride + (first_column + sliver) * column_stride;
        pack_sliver(source, column_stride, depth_stride, std::min(micro_columns, columns - sliver), depth,
                    micro_columns, 1.0f, packed);
        packed += micro_columns * depth;
    }
}

// C tile [rows, columns] (at most MR x NR) = sliver_a [MR, depth] @ sliver_b [depth, NR] + beta * C tile.
// acc is the tile in registers; only its top-left rows x columns reach C.
void micro_kernel(std::int64_t depth, const float* __restrict sliver_a, const float* __restrict sliver_b,
                  float* __restrict c, std::int64_t ldc, std::int64_t rows, std::int64_t columns, float beta) {
    float acc[micro_rows][micro_columns] = {};
    for (std::int64_t p = 0; p < depth; ++p) {
        const float* a_column = sliver_a + p * micro_rows;  // op(A)[tile rows][p]
        const float* b_row = sliver_b + p * micro_columns;  // op(B)[p][tile columns]
        for (std::int64_t i = 0; i < micro_rows; ++i) {
#pragma omp simd
            for (std::int64_t j = 0; j < micro_columns; ++j) acc[i][j] += a_column[i] * b_row[j];
        }
    }
    for (std::int64_t i = 0; i < rows; ++i) {
        float* c_row = c + i * ldc;
        for (std::int64_t j = 0; j < columns; ++j) c_row[j] = scaled_update(acc[i][j], 1.0f, beta, c_row[j]);
    }
}

} // namespace

void blocked_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                  float* c, std::int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0f) { // no product to add: C = beta * C
        for (std::int64_t i = 0; i < m; ++i) {
            for (std::int64_t j = 0; j < n; ++j) c[i * ldc + j] = scaled_update(0.0f, 0.0f, beta, c[i * ldc + j]);
        }
        return;
    }
    thread_local PackingBuffers buffers;
    float* packed_a = buffers.a.get();
    float* packed_b = buffers.b.get();
    // Equal depth blocks of at most depth_block (see the top of this file).
    const std::int64_t depth_blocks = (k + depth_block - 1) / depth_block;
    const std::int64_t depth_step = (k + depth_blocks - 1) / depth_blocks;
    for (std::int64_t first_column = 0; first_column < n; first_column += column_block) {
        const std::int64_t columns = std::min(column_block, n - first_column);
        for (std::int64_t first_depth = 0; first_depth < k; first_depth += depth_step) {
            const std::int64_t depth = std::min(depth_step, k - first_depth);
            // The first depth block applies beta; later ones add onto what it wrote.
            const float block_beta = first_depth == 0 ? beta : 1.0f;
            pack_b(transpose_b, b, ldb, first_depth, depth, first_column, columns, packed_b);
            for (std::int64_t first_row = 0; first_row < m; first_row += row_block) {
                const std::int64_t rows = std::min(row_block, m - first_row);
                pack_a(transpose_a, a, lda, first_row, rows, first_depth, depth, alpha, packed_a);
                for (std::int64_t j = 0; j < columns; j += micro_columns) {
                    for (std::int64_t i = 0; i < rows; i += micro_rows) {
                        micro_kernel(depth, packed_a + i * depth, packed_b + j * depth,
                                     c + (first_row + i) * ldc + first_column + j, ldc,
                                     std::min(micro_rows, rows - i), std::min(micro_columns, columns - j),
                                     block_beta);
                    }
                }
            }
        }
    }
}

void openblas_gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                   float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                   float* c, std::int64_t ldc) {
    if (m <= 0 || n <= 0) return; // cblas_sgemm rejects ldc = 0, which an empty C may have
    use_single_threaded_blas();
    const auto operation = [](Transpose transpose) { return transpose == Transpose::Yes ? CblasTrans : CblasNoTrans; };
    const auto as_int = [](std::int64_t value) { return static_cast<int>(value); };
    cblas_sgemm(CblasRowMajor, operation(transpose_a), operation(transpose_b), as_int(m), as_int(n), as_int(k), alpha,
                a, as_int(lda), b, as_int(ldb), beta, c, as_int(ldc));
}

} // namespace kindling
