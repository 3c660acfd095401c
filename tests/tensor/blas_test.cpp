// blas_gemm (tensor/blas.hpp) splits a big product into one block of rows or
// columns per thread. Every split must give the product of the whole: checked
// against a float64 product computed here, at 1 and 2 threads, for shapes
// that split rows and shapes that split columns, all four transposes, rows
// stored wider than the matrices, alpha and beta.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tensor/blas.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;

namespace {

struct Product {
    std::int64_t m, n, k;
    bool transpose_a, transpose_b;
};

// Element (row, column) of op(x), stored row-major with row stride ld.
float element(const std::vector<float>& x, std::int64_t ld, bool transposed, std::int64_t row, std::int64_t column) {
    return transposed ? x[column * ld + row] : x[row * ld + column];
}

void check_product(const Product& p, float alpha, float beta) {
    constexpr std::int64_t extra = 5; // every row stored wider than the matrix
    const std::int64_t a_rows = p.transpose_a ? p.k : p.m, a_columns = p.transpose_a ? p.m : p.k;
    const std::int64_t b_rows = p.transpose_b ? p.n : p.k, b_columns = p.transpose_b ? p.k : p.n;
    const std::int64_t lda = a_columns + extra, ldb = b_columns + extra, ldc = p.n + extra;
    std::mt19937 random(static_cast<unsigned>(p.m * 31 + p.n * 7 + p.k));
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> a(static_cast<std::size_t>(a_rows * lda)), b(static_cast<std::size_t>(b_rows * ldb));
    std::vector<float> c(static_cast<std::size_t>(p.m * ldc));
    for (float& value : a) value = uniform(random);
    for (float& value : b) value = uniform(random);
    for (float& value : c) value = uniform(random);
    const std::vector<float> c_before = c;

    blas_gemm(p.transpose_a, p.transpose_b, p.m, p.n, p.k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);

    for (std::int64_t row = 0; row < p.m; ++row) {
        for (std::int64_t column = 0; column < ldc; ++column) {
            const float got = c[static_cast<std::size_t>(row * ldc + column)];
            const float before = c_before[static_cast<std::size_t>(row * ldc + column)];
            if (column >= p.n) { // padding between rows: never written
                ASSERT_EQ(got, before) << "padding written at row " << row << " column " << column;
                continue;
            }
            double sum = 0.0;
            for (std::int64_t i = 0; i < p.k; ++i) {
                sum += double(element(a, lda, p.transpose_a, row, i)) * double(element(b, ldb, p.transpose_b, i, column));
            }
            const double expected = alpha * sum + beta * double(before);
            ASSERT_NEAR(got, expected, 1e-5 * double(p.k) + 1e-5)
                << "m=" << p.m << " n=" << p.n << " k=" << p.k << " transposes " << p.transpose_a << p.transpose_b
                << " at (" << row << ", " << column << ")";
        }
    }
}

} // namespace

TEST(BlasGemm, EverySplitGivesTheWholeProduct) {
    const int threads_before = get_num_threads();
    for (int threads : {1, 2}) {
        set_num_threads(threads);
        // m*n*k above the split threshold: tall (rows split, 131 not a multiple
        // of the 16-row alignment), wide (columns split), and one too small to split.
        for (const Product& shape : {Product{131, 40, 260, false, false}, Product{24, 333, 170, false, false},
                                      Product{7, 9, 11, false, false}}) {
            for (bool transpose_a : {false, true}) {
                for (bool transpose_b : {false, true}) {
                    check_product({shape.m, shape.n, shape.k, transpose_a, transpose_b}, 1.0f, 0.0f);
                }
            }
        }
        check_product({131, 40, 260, false, false}, 0.5f, 2.0f);
        check_product({24, 333, 170, true, true}, -1.5f, 1.0f);
    }
    set_num_threads(threads_before);
}

TEST(BlasGemm, AnEmptySumScalesC) {
    std::vector<float> c = {1, 2, 3, 4};
    blas_gemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 3.0f, c.data(), 2);
    EXPECT_EQ(c, (std::vector<float>{3, 6, 9, 12}));
    blas_gemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 0.0f, c.data(), 2);
    EXPECT_EQ(c, (std::vector<float>{0, 0, 0, 0}));
}
