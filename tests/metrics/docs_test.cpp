// Every number in docs/metrics.md comes from here: each test builds a doc
// example with the library and asserts the doc shows exactly that text.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "metrics/class_counts.hpp"
#include "metrics/classification_report.hpp"
#include "metrics/confusion_matrix.hpp"
#include "metrics/overfitting.hpp"
#include "metrics/prediction_diagnostics.hpp"

using namespace kindling::metrics;

namespace {

const std::string& metrics_doc() {
    static const std::string text = [] {
        std::ifstream file(std::string(KINDLING_SOURCE_DIR) + "/docs/metrics.md");
        std::stringstream content;
        content << file.rdbuf();
        return content.str();
    }();
    return text;
}

void expect_in_doc(const std::string& block) {
    EXPECT_NE(metrics_doc().find(block), std::string::npos) << "docs/metrics.md should contain:\n" << block;
}

ConfusionMatrix matrix_from_cells(std::int64_t num_classes, const std::vector<std::vector<std::int64_t>>& cells) {
    std::vector<std::int64_t> targets, predictions;
    for (std::int64_t actual = 0; actual < num_classes; ++actual) {
        for (std::int64_t predicted = 0; predicted < num_classes; ++predicted) {
            targets.insert(targets.end(), static_cast<std::size_t>(cells[actual][predicted]), actual);
            predictions.insert(predictions.end(), static_cast<std::size_t>(cells[actual][predicted]), predicted);
        }
    }
    ConfusionMatrix confusion(num_classes);
    confusion.update(predictions, targets);
    return confusion;
}

std::string fixed4(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", value);
    return text;
}

} // namespace

TEST(MetricsDoc, CatDogTableAndReport) {
    const ConfusionMatrix confusion = matrix_from_cells(2, {{50, 5}, {3, 42}});
    const std::vector<std::string> names{"cat", "dog"};
    expect_in_doc(format_confusion_matrix(confusion, names));
    expect_in_doc(classification_report(confusion, names));
    const std::vector<ClassCounts> counts = confusion.class_counts();
    const ScoreResult precision = class_score(Score::Precision, counts);
    const ScoreResult recall = class_score(Score::Recall, counts);
    const ScoreResult f1 = class_score(Score::FBeta, counts);
    const ScoreResult specificity = class_score(Score::Specificity, counts);
    const ScoreResult iou = class_score(Score::Jaccard, counts);
    for (std::size_t c = 0; c < 2; ++c) {
        const ClassCounts& k = counts[c];
        expect_in_doc("| " + names[c] + " | " + std::to_string(k.true_positives) + " | " +
                      std::to_string(k.false_positives) + " | " + std::to_string(k.false_negatives) + " | " +
                      std::to_string(k.true_negatives) + " | " + fixed4(precision.per_class[c]) + " | " +
                      fixed4(recall.per_class[c]) + " | " + fixed4(f1.per_class[c]) + " | " +
                      fixed4(specificity.per_class[c]) + " | " + fixed4(iou.per_class[c]) + " |");
    }
    expect_in_doc("| macro | " + fixed4(precision.macro) + " | " + fixed4(recall.macro) + " | " + fixed4(f1.macro) + " |");
    expect_in_doc("| micro | " + fixed4(precision.micro) + " | " + fixed4(recall.micro) + " | " + fixed4(f1.micro) + " |");
    expect_in_doc("| weighted | " + fixed4(precision.weighted) + " | " + fixed4(recall.weighted) + " | " +
                  fixed4(f1.weighted) + " |");
    // The definitions, by hand: cat precision = 50 / (50 + 3), recall = 50 / (50 + 5).
    EXPECT_DOUBLE_EQ(precision.per_class[0], 50.0 / 53.0);
    EXPECT_DOUBLE_EQ(recall.per_class[0], 50.0 / 55.0);
    EXPECT_DOUBLE_EQ(precision.per_class[1], 42.0 / 47.0);
    EXPECT_DOUBLE_EQ(recall.per_class[1], 42.0 / 45.0);
}

TEST(MetricsDoc, DefectLineAccuracyParadox) {
    const ConfusionMatrix confusion = matrix_from_cells(2, {{946, 4}, {44, 6}});
    const std::vector<std::string> names{"ok", "defect"};
    expect_in_doc(format_confusion_matrix(confusion, names));
    expect_in_doc(classification_report(confusion, names));
    for (const Diagnostic& diagnostic : diagnose_predictions(confusion, names)) expect_in_doc(to_string(diagnostic));
}

TEST(MetricsDoc, NeverPredictedClassWarning) {
    const ConfusionMatrix confusion = matrix_from_cells(3, {{5, 1, 0}, {1, 4, 0}, {2, 1, 0}});
    const ScoreResult precision =
        class_score(Score::Precision, confusion.class_counts(), 1.0, {}, {"bird", "cat", "dog"});
    ASSERT_EQ(precision.warnings.size(), 1u);
    expect_in_doc(precision.warnings[0]);
    expect_in_doc("| " + fixed4(precision.macro) + " |");
}

TEST(MetricsDoc, OverfittingExample) {
    std::vector<EpochMetrics> history;
    const double train[] = {1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
    const double validation[] = {1.1, 0.9, 0.8, 0.7, 0.75, 0.8, 0.9, 1.0};
    for (int epoch = 0; epoch < 8; ++epoch) history.push_back({.train_loss = train[epoch], .validation_loss = validation[epoch]});
    const std::vector<Diagnostic> found = detect_overfitting(history);
    ASSERT_EQ(found.size(), 1u);
    expect_in_doc(to_string(found[0]));
}
