// The convolution ladder: six ways to compute the same Conv2d, from the
// formula typed in as loops to what nn::conv2d does, each a step faster than
// the one before. benchmarks/conv_ladder.cpp times every rung (forward and
// backward) and docs/performance.md explains what each step changes.
//
//   1. naive_direct         the seven loops of the formula (nn/conv2d_reference.cpp)
//   2. reordered_direct     the same loops reordered so the innermost one runs along an image row
//   3. im2col_naive_gemm    im2col, then the product as a textbook triple loop
//   4. im2col_blocked_gemm  im2col, then a cache-blocked, register-tiled GEMM (tensor/gemm.cpp)
//   5. im2col_openblas      im2col, then OpenBLAS's SGEMM, on one thread
//   6. im2col_openblas_threads  rung 5 with OpenMP spreading the images over the threads
//
// Every rung computes the convolution of nn/conv2d.hpp with groups = 1 and
// dilation = 1, in float32:
//
//   input       x: [N, C_in, H, W]
//   weight      w: [C_out, C_in, kernel_h, kernel_w]
//   bias        b: [C_out]                       (may be an undefined Tensor(): no bias)
//   output      y: [N, C_out, H_out, W_out]
//   y[n][o][i][j] = b[o] + sum over c, u, v of w[o][c][u][v] * x[n][c][i*stride_h - pad_h + u][j*stride_w - pad_w + v]
//
// and its backward pass, from dy = dLoss/dy [N, C_out, H_out, W_out]:
//
//   dx[n][c][y][x] = sum of w[o][c][u][v] * dy[n][o][i][j] over every (o, u, v, i, j) that reads x[n][c][y][x]
//   dw[o][c][u][v] = sum over n, i, j of x[n][c][i*stride_h - pad_h + u][j*stride_w - pad_w + v] * dy[n][o][i][j]
//   db[o]          = sum over n, i, j of dy[n][o][i][j]
//
// These are teaching code, not autograd ops: they take plain tensors (no
// requires_grad, no graph) and return plain tensors. Use nn::conv2d to train.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "nn/conv2d.hpp"
#include "tensor/gemm.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn::ladder {

enum class Rung {
    NaiveDirect = 1,
    ReorderedDirect,
    Im2colNaiveGemm,
    Im2colBlockedGemm,
    Im2colOpenBlas,
    Im2colOpenBlasThreads,
};

struct RungInfo {
    Rung rung;
    std::string_view name;    // "im2col_blocked_gemm": for benchmark names and command lines
    std::string_view summary; // one line: what this rung changes
};

// All six, in ladder order.
const std::vector<RungInfo>& rungs();
const RungInfo& rung_info(Rung rung);
// The rung called `name`; throws std::invalid_argument listing the valid names.
Rung rung_from_name(std::string_view name);

// dx, dw, db of the header comment, shaped like x, w and [C_out]. db is
// computed even when the forward pass had no bias (it is the same sum).
struct Conv2dGradients {
    Tensor input;
    Tensor weight;
    Tensor bias;
};

// Any rung by its enum: y = conv2d(x, w, b), and the three gradients from dy.
// Throws std::invalid_argument (naming the op and the shapes) for tensors
// that are not float32 or do not fit together.
Tensor conv2d_forward(Rung rung, const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride = 1,
                      Size2d padding = 0);
Conv2dGradients conv2d_backward(Rung rung, const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                Size2d stride = 1, Size2d padding = 0);

// --- the rungs, one pair of functions each --------------------------------------

// 1. The formula as loops: for each output element, sum over (c, u, v),
//    testing every tap against the image border. The forward pass is
//    nn::detail::conv2d_direct, the reference that nn::conv2d is tested against.
Tensor naive_direct_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride = 1,
                            Size2d padding = 0);
Conv2dGradients naive_direct_backward(const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                      Size2d stride = 1, Size2d padding = 0);

// 2. The same sums, loops reordered: for each (image, out channel, in channel,
//    u, v) one weight is multiplied into whole rows of the output plane, so the
//    innermost loop walks contiguous memory and vectorises, with the border
//    handled once per row instead of once per multiply.
Tensor reordered_direct_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2d stride = 1,
                                Size2d padding = 0);
Conv2dGradients reordered_direct_backward(const Tensor& input, const Tensor& weight, const Tensor& grad_output,
                                          Size2d stride = 1, Size2d padding = 0);

// 3.-6. im2col + a matrix product, image by image (nn/conv2d.cpp explains
//    im2col), with K = C_in*kernel_h*kernel_w and P = H_out*W_out:
//      y[n]  [C_out, P]  = w [C_out, K] @ im2col(x[n]) [K, P]        (+ b[o] on row o)
//      dw    [C_out, K] += dy[n] [C_out, P] @ im2col(x[n])ᵀ [P, K]
//      dx[n]             = col2im(wᵀ [K, C_out] @ dy[n] [C_out, P])
//    `gemm` is naive_gemm (rung 3), blocked_gemm (rung 4) or openblas_gemm
//    (rungs 5 and 6). The images are spread over `threads` OpenMP threads
//    (1 for rungs 3-5, get_num_threads() for rung 6), each with its own dw
//    partial sum, and OpenBLAS runs single-threaded inside (tensor/parallel.hpp).
using GemmFunction = void (*)(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n,
                              std::int64_t k, float alpha, const float* a, std::int64_t lda, const float* b,
                              std::int64_t ldb, float beta, float* c, std::int64_t ldc);
Tensor im2col_gemm_forward(GemmFunction gemm, int threads, const Tensor& input, const Tensor& weight,
                           const Tensor& bias, Size2d stride = 1, Size2d padding = 0);
Conv2dGradients im2col_gemm_backward(GemmFunction gemm, int threads, const Tensor& input, const Tensor& weight,
                                     const Tensor& grad_output, Size2d stride = 1, Size2d padding = 0);

} // namespace kindling::nn::ladder
