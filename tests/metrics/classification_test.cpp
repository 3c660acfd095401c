// Confusion matrix, precision, recall, F-beta and specificity against
// scikit-learn on the fixture cases (see scripts/fixtures/metrics.py).
#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "metrics/class_scores.hpp"
#include "metrics/classification_report.hpp"
#include "metrics/confusion_matrix.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using namespace kindling::metrics;
using kindling::metrics::testing::int64_tensor;
using kindling::metrics::testing::sklearn_fixtures;

namespace {

const char* const classification_cases[] = {"cat_dog",   "imbalanced",         "never_predicted",
                                            "never_predicted_zero_division_1", "absent_from_targets", "large"};

ConfusionMatrix matrix_of(const nlohmann::json& fixture) {
    ConfusionMatrix confusion(fixture["num_classes"].get<std::int64_t>());
    confusion.update(int64_tensor(fixture["predictions"]), int64_tensor(fixture["targets"]));
    return confusion;
}

void expect_near_all(const std::vector<double>& actual, const nlohmann::json& expected, const std::string& what) {
    const auto values = expected.get<std::vector<double>>();
    ASSERT_EQ(actual.size(), values.size()) << what;
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(actual[i], values[i], 1e-12) << what << " [" << i << "]";
}

// Checks one Score's per-class values and its three averages.
void expect_matches_sklearn(const ScoreResult& result, const nlohmann::json& fixture, const std::string& key,
                            const std::string& name) {
    expect_near_all(result.per_class, fixture["per_class"][key], name + " per class");
    EXPECT_NEAR(result.macro, fixture["macro"][key].get<double>(), 1e-12) << name << " macro";
    EXPECT_NEAR(result.micro, fixture["micro"][key].get<double>(), 1e-12) << name << " micro";
    EXPECT_NEAR(result.weighted, fixture["weighted"][key].get<double>(), 1e-12) << name << " weighted";
}

} // namespace

TEST(ConfusionMatrix, MatchesSklearnOnEveryCase) {
    for (const char* name : classification_cases) {
        SCOPED_TRACE(name);
        const nlohmann::json& fixture = sklearn_fixtures()[name];
        const ConfusionMatrix confusion = matrix_of(fixture);
        const auto expected = fixture["confusion_matrix"].get<std::vector<std::vector<std::int64_t>>>();
        const std::vector<std::int64_t> counts = confusion.compute().to_vector<std::int64_t>();
        const auto k = expected.size();
        for (std::size_t row = 0; row < k; ++row) {
            for (std::size_t column = 0; column < k; ++column) EXPECT_EQ(counts[row * k + column], expected[row][column]);
        }
        const std::vector<std::pair<Normalize, const char*>> normalisations = {
            {Normalize::Rows, "confusion_rows"}, {Normalize::Columns, "confusion_columns"}, {Normalize::All, "confusion_all"}};
        for (const auto& [normalize, key] : normalisations) {
            std::vector<double> flat;
            for (const auto& row : fixture[key]) for (double value : row) flat.push_back(value);
            expect_near_all(confusion.compute(normalize).to_vector<double>(), flat, key);
        }
    }
}

TEST(ConfusionMatrix, CatDogCellsAndClassCounts) {
    const ConfusionMatrix confusion = matrix_of(sklearn_fixtures()["cat_dog"]);
    EXPECT_EQ(confusion.count(0, 0), 50); // actual cat, predicted cat
    EXPECT_EQ(confusion.count(0, 1), 5);  // actual cat, predicted dog
    EXPECT_EQ(confusion.count(1, 0), 3);
    EXPECT_EQ(confusion.count(1, 1), 42);
    const std::vector<ClassCounts> counts = confusion.class_counts();
    EXPECT_EQ(counts[0].true_positives, 50);
    EXPECT_EQ(counts[0].false_positives, 3);
    EXPECT_EQ(counts[0].false_negatives, 5);
    EXPECT_EQ(counts[0].true_negatives, 42);
    EXPECT_EQ(counts[1].support(), 45);
}

TEST(ClassScores, PrecisionRecallF1SpecificityMatchSklearn) {
    for (const char* name : classification_cases) {
        SCOPED_TRACE(name);
        const nlohmann::json& fixture = sklearn_fixtures()[name];
        const std::int64_t k = fixture["num_classes"];
        ClassScoreOptions options;
        options.zero_division.value = fixture["zero_division"];
        const Tensor predictions = int64_tensor(fixture["predictions"]);
        const Tensor targets = int64_tensor(fixture["targets"]);

        Precision precision(k, options);
        Recall recall(k, options);
        F1Score f1(k, options);
        FBeta f_half(k, 0.5, options);
        FBeta f_two(k, 2.0, options);
        Specificity specificity(k, options);
        for (ClassScoreMetric* metric : std::vector<ClassScoreMetric*>{&precision, &recall, &f1, &f_half, &f_two, &specificity}) {
            metric->update(predictions, targets);
        }
        expect_matches_sklearn(precision.compute(), fixture, "precision", "precision");
        expect_matches_sklearn(recall.compute(), fixture, "recall", "recall");
        expect_matches_sklearn(f1.compute(), fixture, "f1", "f1");
        expect_matches_sklearn(f_half.compute(), fixture, "f0.5", "f0.5");
        expect_matches_sklearn(f_two.compute(), fixture, "f2.0", "f2");
        expect_near_all(specificity.compute().per_class, fixture["specificity"], "specificity");
    }
}

TEST(ClassScores, UndefinedValuesAreWarnedAndFollowZeroDivision) {
    // Class 2 is never predicted: precision is 0/0.
    const nlohmann::json& fixture = sklearn_fixtures()["never_predicted"];
    for (double policy : {0.0, 1.0}) {
        ClassScoreOptions options;
        options.zero_division.value = policy;
        options.class_names = {"a", "b", "c"};
        Precision precision(3, options);
        precision.update(int64_tensor(fixture["predictions"]), int64_tensor(fixture["targets"]));
        const ScoreResult result = precision.compute();
        EXPECT_EQ(result.per_class[2], policy);
        ASSERT_EQ(result.warnings.size(), 1u);
        EXPECT_NE(result.warnings[0].find("class 'c'"), std::string::npos) << result.warnings[0];
        EXPECT_NE(result.warnings[0].find("TP + FP = 0"), std::string::npos) << result.warnings[0];
    }
    // Recall of a class absent from the targets is 0/0 too; NaN is a policy as well.
    ClassScoreOptions nan_policy;
    nan_policy.zero_division.value = std::nan("");
    Recall recall(5, nan_policy);
    const nlohmann::json& absent = sklearn_fixtures()["absent_from_targets"];
    recall.update(int64_tensor(absent["predictions"]), int64_tensor(absent["targets"]));
    const ScoreResult result = recall.compute();
    EXPECT_TRUE(std::isnan(result.per_class[3]));
    EXPECT_TRUE(std::isnan(result.per_class[4]));
    EXPECT_EQ(result.warnings.size(), 2u);
    EXPECT_FALSE(std::isnan(result.micro));
}

TEST(ClassScores, StreamingBatchesEqualWholeDataSet) {
    const nlohmann::json& fixture = sklearn_fixtures()["large"];
    const auto predictions = fixture["predictions"].get<std::vector<std::int64_t>>();
    const auto targets = fixture["targets"].get<std::vector<std::int64_t>>();
    F1Score whole(20);
    whole.update(from_vector(predictions), from_vector(targets));
    F1Score streamed(20);
    // Uneven batch sizes, including a batch of one.
    for (std::size_t start = 0, batch = 1; start < targets.size(); start += batch, batch = batch * 3 % 997 + 1) {
        const std::size_t end = std::min(targets.size(), start + batch);
        streamed.update(from_vector(std::vector<std::int64_t>(predictions.begin() + start, predictions.begin() + end)),
                        from_vector(std::vector<std::int64_t>(targets.begin() + start, targets.begin() + end)));
    }
    const ScoreResult a = whole.compute();
    const ScoreResult b = streamed.compute();
    EXPECT_EQ(a.per_class, b.per_class);
    EXPECT_EQ(a.macro, b.macro);
    EXPECT_EQ(a.weighted, b.weighted);
    streamed.reset();
    EXPECT_EQ(streamed.confusion_matrix().num_samples(), 0);
}

TEST(ClassScores, LogitsProbabilitiesAndIndicesGiveTheSameMatrix) {
    // 4 samples, 3 classes: arg-max of logits = arg-max of softmax = the indices.
    const Tensor logits = tensor({{2.0, 0.5, -1.0}, {0.1, 0.3, 0.2}, {-3.0, -2.0, -0.5}, {1.0, 1.0, 0.0}});
    const Tensor probabilities = exp(logits) / sum(exp(logits), {1}, true);
    const Tensor indices = tensor({0, 1, 2, 0}, DType::Int64); // a tie picks the first class, like argmax
    const Tensor targets = tensor({0, 2, 2, 1}, DType::Int64);
    ConfusionMatrix from_logits(3), from_probabilities(3), from_indices(3);
    from_logits.update(logits, targets);
    from_probabilities.update(probabilities, targets);
    from_indices.update(indices, targets);
    const auto expected = from_indices.compute().to_vector<std::int64_t>();
    EXPECT_EQ(from_logits.compute().to_vector<std::int64_t>(), expected);
    EXPECT_EQ(from_probabilities.compute().to_vector<std::int64_t>(), expected);
    EXPECT_EQ(from_indices.correct(), 2);
}

TEST(ConfusionMatrix, RejectsBadBatchesAndKeepsItsCounts) {
    ConfusionMatrix confusion(3);
    confusion.update(tensor({0, 1}, DType::Int64), tensor({0, 1}, DType::Int64));
    try {
        confusion.update(tensor({0, 3}, DType::Int64), tensor({0, 1}, DType::Int64));
        FAIL() << "a prediction of 3 with 3 classes must throw";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("prediction at position 1 is 3"), std::string::npos) << error.what();
    }
    EXPECT_THROW(confusion.update(tensor({0, 1}, DType::Int64), tensor({-1, 1}, DType::Int64)), std::invalid_argument);
    EXPECT_THROW(confusion.update(tensor({0.2, 0.9}), tensor({0.0, 1.0})), std::invalid_argument); // float targets
    EXPECT_THROW(confusion.update(tensor({{0.2, 0.9}}), tensor({0, 1}, DType::Int64)), std::invalid_argument);
    EXPECT_EQ(confusion.num_samples(), 2);
    EXPECT_EQ(confusion.correct(), 2);
}

TEST(ClassificationReport, MatchesSklearnText) {
    for (const char* name : {"cat_dog", "imbalanced", "large"}) {
        SCOPED_TRACE(name);
        const nlohmann::json& fixture = sklearn_fixtures()[name];
        const ConfusionMatrix confusion = matrix_of(fixture);
        std::vector<std::string> names;
        if (!fixture["class_names"].is_null()) names = fixture["class_names"].get<std::vector<std::string>>();
        EXPECT_EQ(classification_report(confusion, names), fixture["report"].get<std::string>());
        EXPECT_EQ(classification_report(confusion, names, 4), fixture["report_digits4"].get<std::string>());
    }
}

TEST(ClassificationReport, ConfusionMatrixTableHasNamesAndCounts) {
    const ConfusionMatrix confusion = matrix_of(sklearn_fixtures()["cat_dog"]);
    EXPECT_EQ(format_confusion_matrix(confusion, {"cat", "dog"}),
              "true \\ predicted  cat  dog\n"
              "             cat   50    5\n"
              "             dog    3   42\n");
    EXPECT_EQ(format_confusion_matrix(confusion, {"cat", "dog"}, Normalize::Rows),
              "true \\ predicted   cat   dog\n"
              "             cat  0.91  0.09\n"
              "             dog  0.07  0.93\n");
    EXPECT_THROW(format_confusion_matrix(confusion, {"cat"}), std::invalid_argument);
}
