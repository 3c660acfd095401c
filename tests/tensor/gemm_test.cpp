// naive_gemm, blocked_gemm and openblas_gemm (tensor/gemm.hpp) against a
// float64 product computed here, on shapes chosen to hit every edge of the
// blocking: 1x1x1, primes that fill no tile exactly, more rows than a row
// block, more columns than a column block, several depth blocks, all four
// transposes, leading dimensions wider than the matrices, alpha and beta.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tensor/gemm.hpp"

using namespace kindling;

namespace {

struct GemmCase {
    std::int64_t m, n, k;
    Transpose transpose_a, transpose_b;
    float alpha, beta;
};

std::string describe(const GemmCase& g) {
    return "m=" + std::to_string(g.m) + " n=" + std::to_string(g.n) + " k=" + std::to_string(g.k) +
           (g.transpose_a == Transpose::Yes ? " A^T" : " A") + (g.transpose_b == Transpose::Yes ? " B^T" : " B") +
           " alpha=" + std::to_string(g.alpha) + " beta=" + std::to_string(g.beta);
}

// The three matrices as stored, each row `extra` floats wider than needed so
// a wrong leading dimension shows; C's padding holds a sentinel.
struct Operands {
    std::int64_t lda, ldb, ldc;
    std::vector<float> a, b, c;
};

constexpr std::int64_t extra = 3;
constexpr float sentinel = 12345.0f;

Operands make_operands(const GemmCase& g, std::mt19937& random) {
    std::normal_distribution<float> normal;
    const std::int64_t a_rows = g.transpose_a == Transpose::Yes ? g.k : g.m;
    const std::int64_t a_columns = g.transpose_a == Transpose::Yes ? g.m : g.k;
    const std::int64_t b_rows = g.transpose_b == Transpose::Yes ? g.n : g.k;
    const std::int64_t b_columns = g.transpose_b == Transpose::Yes ? g.k : g.n;
    Operands o{a_columns + extra, b_columns + extra, g.n + extra, {}, {}, {}};
    o.a.resize(static_cast<std::size_t>(a_rows * o.lda));
    o.b.resize(static_cast<std::size_t>(b_rows * o.ldb));
    o.c.assign(static_cast<std::size_t>(g.m * o.ldc), sentinel);
    for (float& value : o.a) value = normal(random);
    for (float& value : o.b) value = normal(random);
    for (std::int64_t i = 0; i < g.m; ++i) {
        for (std::int64_t j = 0; j < g.n; ++j) o.c[i * o.ldc + j] = normal(random);
    }
    return o;
}

using Gemm = void (*)(Transpose, Transpose, std::int64_t, std::int64_t, std::int64_t, float, const float*,
                      std::int64_t, const float*, std::int64_t, float, float*, std::int64_t);

// Runs `gemm` on a copy of C and checks every element against the float64
// product within the standard error bound of a k-term float32 sum:
//   |computed - exact| <= 2 * k * eps * (|alpha| * sum_p |a_ip b_pj|) + 2 * eps * |beta c_ij|
// (a little slack over k*eps, since each product and the alpha/beta update
// round too); and that C's padding columns were never written.
void expect_matches_float64(Gemm gemm, const char* name, const GemmCase& g, const Operands& o) {
    std::vector<float> c = o.c;
    gemm(g.transpose_a, g.transpose_b, g.m, g.n, g.k, g.alpha, o.a.data(), o.lda, o.b.data(), o.ldb, g.beta,
         c.data(), o.ldc);
    const double eps = std::numeric_limits<float>::epsilon();
    auto a_at = [&](std::int64_t i, std::int64_t p) {
        return static_cast<double>(g.transpose_a == Transpose::Yes ? o.a[p * o.lda + i] : o.a[i * o.lda + p]);
    };
    auto b_at = [&](std::int64_t p, std::int64_t j) {
        return static_cast<double>(g.transpose_b == Transpose::Yes ? o.b[j * o.ldb + p] : o.b[p * o.ldb + j]);
    };
    for (std::int64_t i = 0; i < g.m; ++i) {
        for (std::int64_t j = 0; j < g.n; ++j) {
            double product = 0.0, magnitude = 0.0;
            for (std::int64_t p = 0; p < g.k; ++p) {
                product += a_at(i, p) * b_at(p, j);
                magnitude += std::abs(a_at(i, p) * b_at(p, j));
            }
            const double old_c = o.c[i * o.ldc + j];
            const double expected = g.alpha * product + (g.beta == 0.0f ? 0.0 : g.beta * old_c);
            const double bound = 2.0 * static_cast<double>(g.k) * eps * std::abs(g.alpha) * magnitude +
                                 2.0 * eps * std::abs(g.beta * old_c) + 1e-30;
            ASSERT_NEAR(c[i * o.ldc + j], expected, bound)
                << name << " " << describe(g) << " at C[" << i << "][" << j << "]";
        }
        for (std::int64_t j = g.n; j < o.ldc; ++j) {
            ASSERT_EQ(c[i * o.ldc + j], sentinel) << name << " wrote past column n: " << describe(g);
        }
    }
}

void expect_all_three_match(const GemmCase& g, std::mt19937& random) {
    const Operands o = make_operands(g, random);
    expect_matches_float64(naive_gemm, "naive_gemm", g, o);
    expect_matches_float64(blocked_gemm, "blocked_gemm", g, o);
    expect_matches_float64(openblas_gemm, "openblas_gemm", g, o);
}

const Transpose both[] = {Transpose::No, Transpose::Yes};

} // namespace

TEST(Gemm, OneByOneByOne) {
    std::mt19937 random(1);
    for (Transpose ta : both) {
        for (Transpose tb : both) expect_all_three_match({1, 1, 1, ta, tb, 1.0f, 0.0f}, random);
    }
}

TEST(Gemm, PrimeShapesInEveryTranspose) {
    std::mt19937 random(2);
    for (Transpose ta : both) {
        for (Transpose tb : both) {
            expect_all_three_match({37, 53, 71, ta, tb, 1.0f, 0.0f}, random);
            expect_all_three_match({13, 1, 7, ta, tb, 1.0f, 0.0f}, random);  // one column
            expect_all_three_match({1, 67, 29, ta, tb, 1.0f, 0.0f}, random); // one row
            expect_all_three_match({5, 3, 1, ta, tb, 1.0f, 0.0f}, random);   // depth 1: an outer product
        }
    }
}

// More rows than a row block (96), more columns than a column block (512),
// and a depth split into three blocks (> 2 x 256), none a multiple of the tile.
TEST(Gemm, ShapesSpanningSeveralBlocks) {
    std::mt19937 random(3);
    expect_all_three_match({101, 37, 19, Transpose::No, Transpose::No, 1.0f, 0.0f}, random);
    expect_all_three_match({7, 531, 23, Transpose::No, Transpose::Yes, 1.0f, 0.0f}, random);
    expect_all_three_match({17, 45, 557, Transpose::Yes, Transpose::No, 1.0f, 0.0f}, random);
    expect_all_three_match({98, 515, 29, Transpose::Yes, Transpose::Yes, 1.0f, 0.0f}, random);
}

TEST(Gemm, AlphaAndBeta) {
    std::mt19937 random(4);
    for (float alpha : {0.5f, -2.0f}) {
        for (float beta : {0.0f, 1.0f, -0.75f}) {
            expect_all_three_match({29, 41, 300, Transpose::No, Transpose::No, alpha, beta}, random);
            expect_all_three_match({29, 41, 300, Transpose::Yes, Transpose::Yes, alpha, beta}, random);
        }
    }
}

// C = beta * C when there is nothing to multiply (k = 0, or alpha = 0).
TEST(Gemm, EmptyDepthOrZeroAlphaOnlyScalesC) {
    std::mt19937 random(5);
    expect_all_three_match({6, 35, 0, Transpose::No, Transpose::No, 1.0f, 0.5f}, random);
    expect_all_three_match({6, 35, 0, Transpose::No, Transpose::No, 1.0f, 0.0f}, random);
    expect_all_three_match({6, 35, 17, Transpose::No, Transpose::No, 0.0f, 2.0f}, random);
}

// BLAS semantics: with beta = 0 the old C is not read, so NaN in it must not leak.
TEST(Gemm, BetaZeroIgnoresNaNInC) {
    std::mt19937 random(6);
    const GemmCase g{13, 40, 9, Transpose::No, Transpose::No, 1.0f, 0.0f};
    Operands o = make_operands(g, random);
    for (std::int64_t i = 0; i < g.m; ++i) {
        for (std::int64_t j = 0; j < g.n; ++j) o.c[i * o.ldc + j] = std::numeric_limits<float>::quiet_NaN();
    }
    for (Gemm gemm : {static_cast<Gemm>(naive_gemm), static_cast<Gemm>(blocked_gemm)}) {
        std::vector<float> c = o.c;
        gemm(g.transpose_a, g.transpose_b, g.m, g.n, g.k, g.alpha, o.a.data(), o.lda, o.b.data(), o.ldb, g.beta,
             c.data(), o.ldc);
        for (std::int64_t i = 0; i < g.m; ++i) {
            for (std::int64_t j = 0; j < g.n; ++j) ASSERT_FALSE(std::isnan(c[i * o.ldc + j])) << i << ", " << j;
        }
    }
}

// The convolution ladder's three products for a small layer: forward
// [C_out, K] @ [K, P], dW [C_out, P] @ [K, P]^T with beta = 1, dX [C_out, K]^T @ [C_out, P].
TEST(Gemm, BlockedMatchesOpenBlasOnConvolutionShapes) {
    std::mt19937 random(7);
    expect_all_three_match({16, 100, 72, Transpose::No, Transpose::No, 1.0f, 0.0f}, random);
    expect_all_three_match({16, 72, 100, Transpose::No, Transpose::Yes, 1.0f, 1.0f}, random);
    expect_all_three_match({72, 100, 16, Transpose::Yes, Transpose::No, 1.0f, 0.0f}, random);
}
