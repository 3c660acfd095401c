#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "metrics/binary_curves.hpp"
#include "metrics/class_counts.hpp"
#include "metrics/class_scores.hpp"

using namespace kindling;
using namespace kindling::metrics;
using kindling::metrics::testing::sklearn_fixtures;

namespace {

void expect_near_all(const std::vector<double>& actual, const nlohmann::json& expected, const char* what) {
    const auto values = expected.get<std::vector<double>>();
    ASSERT_EQ(actual.size(), values.size()) << what;
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(actual[i], values[i], 1e-12) << what << " [" << i << "]";
}

} // namespace

TEST(BinaryScores, ThresholdsMatchSklearn) {
    const nlohmann::json& fixture = sklearn_fixtures()["binary"];
    const auto scores = fixture["scores"].get<std::vector<double>>();
    const auto targets = fixture["targets"].get<std::vector<std::int64_t>>();
    BinaryScores collected;
    collected.update(from_vector(scores), from_vector(targets));
    for (const auto& [threshold_text, expected] : fixture["thresholds"].items()) {
        SCOPED_TRACE(threshold_text);
        const double threshold = std::stod(threshold_text);
        // The same numbers two ways: the sweep's counts, and a 2-class metric with a threshold.
        const ClassCounts counts = collected.counts_at(threshold);
        EXPECT_EQ(counts.true_positives, expected["confusion_matrix"][1][1].get<std::int64_t>());
        EXPECT_EQ(counts.false_positives, expected["confusion_matrix"][0][1].get<std::int64_t>());
        ClassScoreOptions options;
        options.confusion.threshold = threshold;
        Precision precision(2, options);
        Recall recall(2, options);
        F1Score f1(2, options);
        for (ClassScoreMetric* metric : std::vector<ClassScoreMetric*>{&precision, &recall, &f1}) {
            metric->update(from_vector(scores), from_vector(targets));
        }
        EXPECT_NEAR(precision.compute().per_class[1], expected["precision"].get<double>(), 1e-12);
        EXPECT_NEAR(recall.compute().per_class[1], expected["recall"].get<double>(), 1e-12);
        EXPECT_NEAR(f1.compute().per_class[1], expected["f1"].get<double>(), 1e-12);
    }
}

TEST(BinaryScores, CurvesAndAreasMatchSklearn) {
    const nlohmann::json& fixture = sklearn_fixtures()["binary"];
    const auto scores = fixture["scores"].get<std::vector<double>>();
    const auto targets = fixture["targets"].get<std::vector<std::int64_t>>();
    const PrecisionRecallCurve pr = precision_recall_curve(scores, targets);
    expect_near_all(pr.precision, fixture["pr_precision"], "precision");
    expect_near_all(pr.recall, fixture["pr_recall"], "recall");
    expect_near_all(pr.thresholds, fixture["pr_thresholds"], "pr thresholds");
    EXPECT_NEAR(average_precision(scores, targets), fixture["average_precision"].get<double>(), 1e-12);

    const RocCurve roc = roc_curve(scores, targets);
    expect_near_all(roc.false_positive_rate, fixture["roc_fpr"], "fpr");
    expect_near_all(roc.true_positive_rate, fixture["roc_tpr"], "tpr");
    EXPECT_TRUE(std::isinf(roc.thresholds.front()));
    expect_near_all(std::vector<double>(roc.thresholds.begin() + 1, roc.thresholds.end()), fixture["roc_thresholds"],
                    "roc thresholds");
    EXPECT_NEAR(roc_auc(scores, targets), fixture["roc_auc"].get<double>(), 1e-12);
}

TEST(BinaryScores, StreamingBatchesEqualWholeDataSet) {
    const nlohmann::json& fixture = sklearn_fixtures()["binary"];
    const Tensor scores = from_vector(fixture["scores"].get<std::vector<double>>());
    const Tensor targets = from_vector(fixture["targets"].get<std::vector<std::int64_t>>());
    BinaryScores streamed;
    for (std::int64_t start = 0; start < 200; start += 30) {
        const std::int64_t length = std::min<std::int64_t>(30, 200 - start);
        streamed.update(scores.narrow(0, start, length), targets.narrow(0, start, length));
    }
    EXPECT_NEAR(streamed.roc_auc(), fixture["roc_auc"].get<double>(), 1e-12);
    EXPECT_NEAR(streamed.average_precision(), fixture["average_precision"].get<double>(), 1e-12);
}

TEST(BinaryScores, PerfectAndReversedRankings) {
    const std::vector<std::int64_t> targets{0, 0, 1, 1};
    EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.2, 0.8, 0.9}, targets), 1.0);
    EXPECT_DOUBLE_EQ(roc_auc({0.9, 0.8, 0.2, 0.1}, targets), 0.0);
    EXPECT_DOUBLE_EQ(roc_auc({0.5, 0.5, 0.5, 0.5}, targets), 0.5); // one tie group: the diagonal
    EXPECT_DOUBLE_EQ(average_precision({0.1, 0.2, 0.8, 0.9}, targets), 1.0);
}

TEST(BinaryScores, OneClassOnlyHasNoRocAuc) {
    try {
        roc_auc({0.3, 0.6}, {1, 1});
        FAIL() << "ROC-AUC of positives only must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("only class 1"), std::string::npos) << error.what();
    }
    EXPECT_THROW(roc_auc({0.3}, {2}), std::invalid_argument);
    EXPECT_THROW(roc_auc({0.3, 0.4}, {0}), std::invalid_argument);
}
