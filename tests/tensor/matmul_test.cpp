// matmul through OpenBLAS against the triple loop, for every layout BLAS is
// handed (contiguous, transposed views, copies of odd strides) and batching.
#include <gtest/gtest.h>

#include "kindling.hpp"

using namespace kindling;

namespace {

// The definition: out[i][j] = sum_p a[i][p] * b[p][j].
Tensor matmul_by_loops(const Tensor& a, const Tensor& b) {
    const std::int64_t n = a.size(0), k = a.size(1), m = b.size(1);
    std::vector<double> out(static_cast<std::size_t>(n * m), 0.0);
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < m; ++j)
            for (std::int64_t p = 0; p < k; ++p) out[static_cast<std::size_t>(i * m + j)] += a.at({i, p}) * b.at({p, j});
    return from_vector(out, {n, m});
}

void expect_close(const Tensor& actual, const Tensor& expected, double tolerance) {
    ASSERT_EQ(actual.shape(), expected.shape());
    const std::vector<double> got = actual.to_vector<double>(), want = expected.to_vector<double>();
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tolerance) << "element " << i;
}

} // namespace

TEST(Matmul, MatchesTripleLoop) {
    Generator generator(7);
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const Tensor a = randn({5, 7}, generator, dtype);
        const Tensor b = randn({7, 3}, generator, dtype);
        expect_close(matmul(a, b), matmul_by_loops(a, b), dtype == DType::Float32 ? 1e-5 : 1e-12);
    }
}

TEST(Matmul, TransposedAndStridedOperands) {
    Generator generator(8);
    const Tensor a = randn({6, 4}, generator, DType::Float64);
    const Tensor b = randn({6, 5}, generator, DType::Float64);
    expect_close(matmul(a.t(), b), matmul_by_loops(a.t(), b), 1e-12);              // transposed view, no copy
    expect_close(matmul(b.t(), a), matmul_by_loops(b.t(), a), 1e-12);
    const Tensor every_other = b.slice(1, 0, 5, 2);                                // column stride 2: copied
    expect_close(matmul(a.t(), every_other), matmul_by_loops(a.t(), every_other), 1e-12);
    const Tensor row = randn({1, 4}, generator, DType::Float64).expand({6, 4});     // row stride 0: copied
    expect_close(matmul(row.t(), b), matmul_by_loops(row.t(), b), 1e-12);
}

TEST(Matmul, BatchedAndBroadcastBatch) {
    Generator generator(9);
    const Tensor a = randn({2, 1, 3, 4}, generator, DType::Float64);
    const Tensor b = randn({3, 4, 5}, generator, DType::Float64);
    const Tensor out = matmul(a, b);
    ASSERT_EQ(out.shape(), (Shape{2, 3, 3, 5}));
    for (std::int64_t i = 0; i < 2; ++i) {
        for (std::int64_t j = 0; j < 3; ++j) {
            expect_close(out.select(0, i).select(0, j), matmul_by_loops(a.select(0, i).select(0, 0), b.select(0, j)),
                         1e-12);
        }
    }
    const Tensor weight = randn({4, 2}, generator, DType::Float64); // one matrix for the whole batch
    const Tensor inputs = a.select(1, 0);                            // [2, 3, 4]
    const Tensor shared = matmul(inputs, weight);
    ASSERT_EQ(shared.shape(), (Shape{2, 3, 2}));
    for (std::int64_t i = 0; i < 2; ++i) expect_close(shared.select(0, i), matmul_by_loops(inputs.select(0, i), weight), 1e-12);
    const Tensor transposed_batch = b.transpose(1, 2); // [3, 5, 4], every matrix a transposed view
    const Tensor product = matmul(transposed_batch, weight);
    for (std::int64_t j = 0; j < 3; ++j) {
        expect_close(product.select(0, j), matmul_by_loops(transposed_batch.select(0, j), weight), 1e-12);
    }
}

TEST(Matmul, VectorsLikeTorch) {
    const Tensor matrix = tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
    const Tensor vector = tensor({1.0, -1.0});
    EXPECT_EQ(matmul(matrix, vector).shape(), (Shape{3}));
    EXPECT_EQ(matmul(matrix, vector).to_vector<float>(), (std::vector<float>{-1, -1, -1}));
    EXPECT_EQ(matmul(tensor({1.0, 1.0, 1.0}), matrix).to_vector<float>(), (std::vector<float>{9, 12}));
    EXPECT_EQ(matmul(vector, vector).shape(), (Shape{}));
    EXPECT_EQ(matmul(vector, vector).item(), 2.0);
}

TEST(Matmul, EmptyInnerDimGivesZeros) {
    const Tensor out = matmul(ones({2, 0}), ones({0, 3}));
    EXPECT_EQ(out.shape(), (Shape{2, 3}));
    EXPECT_EQ(out.to_vector<float>(), std::vector<float>(6, 0.0f));
    EXPECT_EQ(matmul(ones({0, 4}), ones({4, 3})).shape(), (Shape{0, 3}));
}

TEST(Matmul, ErrorNamesBothShapes) {
    try {
        matmul(zeros({2, 3}), zeros({4, 5}));
        FAIL() << "matmul of [2, 3] and [4, 5] must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_EQ(std::string(error.what()).rfind("matmul: shapes [2, 3] and [4, 5] are incompatible", 0), 0u)
            << error.what();
    }
    try {
        matmul(zeros({3}), zeros({4, 5}));
        FAIL() << "matmul of [3] and [4, 5] must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("[3] and [4, 5]"), std::string::npos) << error.what();
    }
    EXPECT_THROW(matmul(zeros({2, 3, 4}), zeros({3, 4, 5})), std::invalid_argument); // batch 2 vs 3
    EXPECT_THROW(matmul(scalar_tensor(1.0), zeros({2})), std::invalid_argument);
    EXPECT_THROW(matmul(zeros({2, 2}), zeros({2, 2}, DType::Float64)), std::invalid_argument);
}
