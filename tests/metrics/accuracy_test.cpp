#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "metrics/accuracy.hpp"

using namespace kindling;
using namespace kindling::metrics;
using kindling::metrics::testing::int64_tensor;
using kindling::metrics::testing::sklearn_fixtures;

namespace {

// The fixture's [300, 10] logits as a tensor.
Tensor fixture_logits(const nlohmann::json& fixture) {
    std::vector<double> flat;
    for (const auto& row : fixture["logits"]) for (double value : row) flat.push_back(value);
    return from_vector(flat, {300, 10});
}

} // namespace

TEST(Accuracy, TopKMatchesSklearn) {
    const nlohmann::json& fixture = sklearn_fixtures()["top_k"];
    const Tensor logits = fixture_logits(fixture);
    const Tensor targets = int64_tensor(fixture["targets"]);
    for (std::int64_t k : {1, 3, 5}) {
        Accuracy accuracy(10, {.top_k = k});
        accuracy.update(logits, targets);
        EXPECT_DOUBLE_EQ(accuracy.compute(), fixture["accuracy"][std::to_string(k)].get<double>()) << "top-" << k;
    }
}

TEST(Accuracy, StreamingBatchesEqualWholeDataSet) {
    const nlohmann::json& fixture = sklearn_fixtures()["top_k"];
    const Tensor logits = fixture_logits(fixture);
    const Tensor targets = int64_tensor(fixture["targets"]);
    Accuracy streamed(10, {.top_k = 3});
    for (std::int64_t start = 0; start < 300; start += 64) {
        const std::int64_t length = std::min<std::int64_t>(64, 300 - start);
        streamed.update(logits.narrow(0, start, length), targets.narrow(0, start, length));
    }
    EXPECT_EQ(streamed.total(), 300);
    EXPECT_DOUBLE_EQ(streamed.compute(), fixture["accuracy"]["3"].get<double>());
    streamed.reset();
    EXPECT_THROW(streamed.compute(), std::logic_error);
}

TEST(Accuracy, TopOneTiesFollowArgmax) {
    // Both classes score 1.0: argmax picks class 0, so a target of 1 is wrong at top-1, right at top-2.
    const Tensor scores = tensor({{1.0, 1.0}});
    Accuracy top1(2), top2(2, {.top_k = 2});
    top1.update(scores, tensor({1}, DType::Int64));
    top2.update(scores, tensor({1}, DType::Int64));
    EXPECT_EQ(top1.compute(), 0.0);
    EXPECT_EQ(top2.compute(), 1.0);
}

TEST(Accuracy, BinaryScoresUseTheThreshold) {
    const Tensor scores = tensor({0.2, 0.4, 0.6, 0.8});
    const Tensor targets = tensor({0, 1, 1, 1}, DType::Int64);
    Accuracy half(2), low(2, {.threshold = 0.3});
    half.update(scores, targets);
    low.update(scores, targets);
    EXPECT_DOUBLE_EQ(half.compute(), 0.75); // 0.4 is called negative
    EXPECT_DOUBLE_EQ(low.compute(), 1.0);
}

TEST(Accuracy, RejectsBadArguments) {
    EXPECT_THROW(Accuracy(3, {.top_k = 4}), std::invalid_argument);
    Accuracy top2(3, {.top_k = 2});
    EXPECT_THROW(top2.update(tensor({0, 1}, DType::Int64), tensor({0, 1}, DType::Int64)), std::invalid_argument);
    Accuracy top1(3);
    EXPECT_THROW(top1.update(tensor({{0.1, 0.2, 0.7}}), tensor({3}, DType::Int64)), std::invalid_argument);
}
