#include <gtest/gtest.h>

#include "metrics/data_leakage.hpp"
#include "tensor/generator.hpp"
#include "metrics/overfitting.hpp"

#include <algorithm>
#include "metrics/prediction_diagnostics.hpp"

using namespace kindling;
using namespace kindling::metrics;

namespace {

// A matrix from (true, predicted, count) cells.
ConfusionMatrix matrix_with(std::int64_t num_classes,
                            const std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>>& cells) {
    std::vector<std::int64_t> targets, predictions;
    for (const auto& [true_class, predicted_class, count] : cells) {
        targets.insert(targets.end(), static_cast<std::size_t>(count), true_class);
        predictions.insert(predictions.end(), static_cast<std::size_t>(count), predicted_class);
    }
    ConfusionMatrix confusion(num_classes);
    confusion.update(predictions, targets);
    return confusion;
}

const Diagnostic* find_kind(const std::vector<Diagnostic>& found, DiagnosticKind kind) {
    for (const Diagnostic& diagnostic : found) {
        if (diagnostic.kind == kind) return &diagnostic;
    }
    return nullptr;
}

} // namespace

TEST(Overfitting, LossRuleFindsTheEpochItStarted) {
    // Validation loss is best at epoch 4, then rises for 4 epochs while training loss falls.
    std::vector<EpochMetrics> history;
    const double train[] = {1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
    const double validation[] = {1.1, 0.9, 0.8, 0.7, 0.75, 0.8, 0.9, 1.0};
    for (int epoch = 0; epoch < 8; ++epoch) history.push_back({.train_loss = train[epoch], .validation_loss = validation[epoch]});
    const std::vector<Diagnostic> found = detect_overfitting(history);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].kind, DiagnosticKind::Overfitting);
    EXPECT_EQ(found[0].numbers.at("started_epoch"), 5);
    EXPECT_EQ(found[0].numbers.at("best_epoch"), 4);
    EXPECT_EQ(found[0].indices, std::vector<std::int64_t>{5});
    EXPECT_NE(found[0].message.find("since epoch 5"), std::string::npos) << found[0].message;

    // Two rising epochs are below the default patience of 3.
    history.resize(6);
    EXPECT_TRUE(detect_overfitting(history).empty());
    EXPECT_EQ(detect_overfitting(history, {.patience = 2}).size(), 1u);
}

TEST(Overfitting, NoAlarmWhileBothLossesFall) {
    std::vector<EpochMetrics> history;
    for (int epoch = 0; epoch < 10; ++epoch) {
        history.push_back({.train_loss = 1.0 / (epoch + 1), .validation_loss = 1.2 / (epoch + 1),
                           .train_accuracy = 0.5 + 0.04 * epoch, .validation_accuracy = 0.48 + 0.04 * epoch});
    }
    EXPECT_TRUE(detect_overfitting(history).empty());
}

TEST(Overfitting, AccuracyGapRuleReportsWhereTheGapOpened) {
    std::vector<EpochMetrics> history;
    const double train[] = {0.60, 0.75, 0.85, 0.92, 0.97, 0.99};
    const double validation[] = {0.58, 0.70, 0.76, 0.79, 0.80, 0.80};
    for (int epoch = 0; epoch < 6; ++epoch) {
        history.push_back({.train_accuracy = train[epoch], .validation_accuracy = validation[epoch]});
    }
    const std::vector<Diagnostic> found = detect_overfitting(history); // gap: .02 .05 .09 .13 .17 .19
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].numbers.at("started_epoch"), 4);
    EXPECT_NEAR(found[0].numbers.at("accuracy_gap"), 0.19, 1e-12);
}

TEST(PredictionDiagnostics, AccuracyParadoxNamesTheMissedClass) {
    // 1000 parts, 50 defects; the model finds 6 defects and raises 4 false alarms: accuracy 95.2%,
    // while "always ok" scores 95%.
    const ConfusionMatrix confusion = matrix_with(2, {{0, 0, 946}, {0, 1, 4}, {1, 0, 44}, {1, 1, 6}});
    const std::vector<Diagnostic> found = diagnose_predictions(confusion, {"ok", "defect"});
    const Diagnostic* paradox = find_kind(found, DiagnosticKind::AccuracyParadox);
    ASSERT_NE(paradox, nullptr);
    EXPECT_EQ(paradox->severity, Severity::Critical);
    EXPECT_NEAR(paradox->numbers.at("accuracy"), 0.952, 1e-12);
    EXPECT_NEAR(paradox->numbers.at("majority_class_accuracy"), 0.95, 1e-12);
    const Diagnostic* low_recall = find_kind(found, DiagnosticKind::LowClassRecall);
    ASSERT_NE(low_recall, nullptr);
    EXPECT_EQ(low_recall->indices, std::vector<std::int64_t>{1});
    EXPECT_NEAR(low_recall->numbers.at("recall"), 0.12, 1e-12);
    EXPECT_NE(low_recall->message.find("class 'defect' has recall 12.0%"), std::string::npos) << low_recall->message;
}

TEST(PredictionDiagnostics, ChanceLevelAndMajorityBaseline) {
    // 10 balanced classes, 11% right: random guessing.
    std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> cells;
    for (std::int64_t c = 0; c < 10; ++c) {
        cells.push_back({c, c, c == 0 ? 2 : 1});
        cells.push_back({c, (c + 1) % 10, 9});
    }
    const std::vector<Diagnostic> chance = diagnose_predictions(matrix_with(10, cells));
    const Diagnostic* at_chance = find_kind(chance, DiagnosticKind::ChanceLevel);
    ASSERT_NE(at_chance, nullptr);
    EXPECT_NEAR(at_chance->numbers.at("chance_accuracy"), 0.1, 1e-12);

    // 3 classes 60/30/10, model always says class 0: at the majority baseline, not high -> ChanceLevel.
    const ConfusionMatrix constant = matrix_with(3, {{0, 0, 60}, {1, 0, 30}, {2, 0, 10}});
    const std::vector<Diagnostic> found = diagnose_predictions(constant, {"a", "b", "c"});
    const Diagnostic* baseline = find_kind(found, DiagnosticKind::ChanceLevel);
    ASSERT_NE(baseline, nullptr);
    EXPECT_EQ(baseline->indices, std::vector<std::int64_t>{0});
    EXPECT_EQ(find_kind(found, DiagnosticKind::AccuracyParadox), nullptr);
    EXPECT_EQ(std::count_if(found.begin(), found.end(),
                            [](const Diagnostic& d) { return d.kind == DiagnosticKind::LowClassRecall; }),
              2);
}

TEST(PredictionDiagnostics, AGoodBalancedModelIsQuiet) {
    const ConfusionMatrix confusion = matrix_with(2, {{0, 0, 50}, {0, 1, 5}, {1, 0, 3}, {1, 1, 42}});
    EXPECT_TRUE(diagnose_predictions(confusion, {"cat", "dog"}).empty());
}

TEST(DataLeakage, FindsDuplicatesByContentHash) {
    Generator generator(7);
    const Tensor train = randn({6, 1, 4, 4}, generator);
    Tensor test = randn({4, 1, 4, 4}, generator);
    // Test images 1 and 3 are copies of training images 2 and 5.
    test.select(0, 1).copy_(train.select(0, 2));
    test.select(0, 3).copy_(train.select(0, 5));
    const std::optional<Diagnostic> found = detect_data_leakage(content_hashes(train), content_hashes(test));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->kind, DiagnosticKind::DataLeakage);
    EXPECT_EQ(found->indices, (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(found->numbers.at("leaked_samples"), 2);
    EXPECT_NE(found->message.find("test 1 = train 2, test 3 = train 5"), std::string::npos) << found->message;
    EXPECT_FALSE(detect_data_leakage(content_hashes(train), content_hashes(randn({4, 1, 4, 4}, generator))));
}

TEST(DataLeakage, HashDependsOnContentNotLayout) {
    const Tensor matrix = tensor({{1, 2, 3}, {4, 5, 6}});
    const Tensor transposed_copy = matrix.t().contiguous();
    EXPECT_EQ(content_hash(matrix.t()), content_hash(transposed_copy)); // strided view = its copy
    EXPECT_NE(content_hash(matrix), content_hash(matrix.reshape({3, 2}))); // same bytes, other shape
    EXPECT_NE(content_hash(matrix), content_hash(matrix.to(DType::Float64)));
    EXPECT_EQ(content_hash(matrix), content_hash(matrix.clone()));
}
