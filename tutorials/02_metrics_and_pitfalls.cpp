// Tutorial 2 — Metrics and their pitfalls.
//
// 1. The cat/dog confusion matrix, every per-class metric by hand and by the library.
// 2. Defect detection: precision vs recall, and moving the decision threshold.
// 3. The accuracy paradox on imbalanced data.
// 4. "98% training accuracy but 12% recall on the defect class in validation —
//    ready for production?" — reproduced and answered.
//
// Walkthrough: docs/tutorials/02-metrics-and-pitfalls.md. Writes
// precision_recall_defects.svg into the current folder.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

#include "kindling.hpp"

using namespace kindling;
using namespace kindling::metrics;

namespace {

// A confusion matrix from its counts: counts[true][predicted] samples each.
ConfusionMatrix matrix_from_counts(const std::vector<std::vector<std::int64_t>>& counts) {
    ConfusionMatrix confusion(static_cast<std::int64_t>(counts.size()));
    std::vector<std::int64_t> predicted, targets;
    for (std::size_t true_class = 0; true_class < counts.size(); ++true_class) {
        for (std::size_t predicted_class = 0; predicted_class < counts.size(); ++predicted_class) {
            for (std::int64_t n = 0; n < counts[true_class][predicted_class]; ++n) {
                targets.push_back(static_cast<std::int64_t>(true_class));
                predicted.push_back(static_cast<std::int64_t>(predicted_class));
            }
        }
    }
    confusion.update(predicted, targets);
    return confusion;
}

void print_diagnostics(const ConfusionMatrix& confusion, const std::vector<std::string>& names) {
    const auto diagnostics = diagnose_predictions(confusion, names);
    if (diagnostics.empty()) std::cout << "   diagnostics: none\n";
    for (const Diagnostic& diagnostic : diagnostics) std::cout << "   " << to_string(diagnostic) << "\n";
}

} // namespace

// CTest runs every tutorial with --quick; this one is instant, so it ignores it.
int main() {
    std::printf("%s", "1. Cat vs dog: 100 photos, 55 cats and 45 dogs\n\n");
    const std::vector<std::string> pets = {"cat", "dog"};
    const ConfusionMatrix pets_confusion = matrix_from_counts({{50, 5}, {3, 42}});
    std::cout << format_confusion_matrix(pets_confusion, pets) << "\n";
    // By hand, for the class "cat": TP = 50 (cats called cat), FP = 3 (dogs
    // called cat), FN = 5 (cats called dog).
    std::printf("   by hand:  precision(cat) = TP/(TP+FP) = 50/53 = %.4f\n", 50.0 / 53.0);
    std::printf("             recall(cat)    = TP/(TP+FN) = 50/55 = %.4f\n", 50.0 / 55.0);
    std::printf("             precision(dog) = 42/47 = %.4f, recall(dog) = 42/45 = %.4f\n", 42.0 / 47.0, 42.0 / 45.0);
    std::printf("             accuracy = (50+42)/100 = %.2f\n\n", 0.92);
    std::cout << "   by the library:\n" << classification_report(pets_confusion, pets, 4) << "\n";

    // --- 2. Defect detection: 1000 parts, 50 of them defective ---------------------
    // A model gives each part a "defect score"; defective parts tend to score
    // higher, but the two groups overlap.
    Generator generator(7);
    const std::int64_t parts = 1000, defects = 50;
    std::vector<double> scores;
    std::vector<std::int64_t> is_defect;
    for (std::int64_t i = 0; i < parts; ++i) {
        const bool defect = i < defects;
        const double noise = generator.normal() * 0.12;
        scores.push_back(std::min(1.0, std::max(0.0, (defect ? 0.62 : 0.30) + noise)));
        is_defect.push_back(defect ? 1 : 0);
    }
    BinaryScores defect_scores;
    defect_scores.update(from_vector(scores), from_vector(is_defect));
    std::printf("2. Defect detection, 1000 parts, 50 defective: moving the threshold\n\n");
    std::printf("   threshold  flagged  precision  recall  (missed defects, false alarms)\n");
    for (double threshold : {0.3, 0.4, 0.5, 0.6, 0.7}) {
        const ClassCounts counts = defect_scores.counts_at(threshold);
        const double flagged = static_cast<double>(counts.true_positives + counts.false_positives);
        std::printf("   %9.1f  %7.0f  %9.3f  %6.3f  (%lld missed, %lld false alarms)\n", threshold, flagged,
                    flagged > 0 ? static_cast<double>(counts.true_positives) / flagged : 0.0,
                    static_cast<double>(counts.true_positives) / static_cast<double>(defects),
                    static_cast<long long>(counts.false_negatives), static_cast<long long>(counts.false_positives));
    }
    std::printf("\n   average precision %.3f, ROC-AUC %.3f\n", defect_scores.average_precision(), defect_scores.roc_auc());
    std::cout << "   A production line that must catch every defect wants high recall (a low threshold) and pays\n"
                 "   with false alarms; when each alarm stops the line, precision (a higher threshold) matters.\n\n";
    const PrecisionRecallCurve curve = defect_scores.precision_recall_curve();
    LineChart chart;
    chart.title = "Defect detection: precision vs recall";
    chart.x_label = "recall";
    chart.y_label = "precision";
    chart.x_min = 0, chart.x_max = 1, chart.y_min = 0, chart.y_max = 1.02;
    chart.series = {{"defect score", curve.recall, curve.precision, "", false}};
    std::ofstream("precision_recall_defects.svg") << line_chart_svg(chart);

    // --- 3. The accuracy paradox ------------------------------------------------------
    // A "model" that always answers "ok" on a line where 2% of parts are defective.
    std::printf("3. The accuracy paradox: always answering \"ok\" when 2%% of parts are defective\n\n");
    const std::vector<std::string> quality = {"ok", "defect"};
    const ConfusionMatrix lazy = matrix_from_counts({{980, 0}, {20, 0}});
    const ClassCounts lazy_defects = lazy.class_counts()[1];
    std::printf("   accuracy %.1f%%, recall(defect) %.1f%%\n",
                100.0 * static_cast<double>(lazy.correct()) / static_cast<double>(lazy.num_samples()),
                100.0 * static_cast<double>(lazy_defects.true_positives) / static_cast<double>(lazy_defects.support()));
    print_diagnostics(lazy, quality);

    // --- 4. 98% training accuracy, 12% recall on defects in validation ---------------
    std::printf("\n4. \"98%% training accuracy but 12%% recall on the defect class in validation: ready?\"\n\n");
    // Validation: 1000 parts, 50 defective. The model finds 6 of the 50 defects
    // and raises 5 false alarms among the 950 good parts.
    const ConfusionMatrix validation = matrix_from_counts({{945, 5}, {44, 6}});
    std::cout << format_confusion_matrix(validation, quality) << "\n" << classification_report(validation, quality, 3);
    print_diagnostics(validation, quality);
    std::vector<EpochMetrics> history;
    for (int epoch = 0; epoch < 8; ++epoch) {
        // Training keeps improving (loss down, accuracy up to 98%) while the
        // validation loss turns up after epoch 3: the model memorises.
        history.push_back({0.40 - 0.045 * epoch, 0.30 + (epoch > 3 ? 0.03 * (epoch - 3) : -0.02 * epoch),
                           0.90 + 0.01 * epoch + (epoch == 7 ? 0.01 : 0.0), 0.951});
    }
    for (const Diagnostic& diagnostic : detect_overfitting(history)) std::cout << "   " << to_string(diagnostic) << "\n";
    std::cout << "\n   Answer: no. 95.1% validation accuracy is barely above the 95.0% of always answering\n"
                 "   \"ok\", 44 of 50 defects would ship, and the training numbers say the model memorised\n"
                 "   its training set. Collect more defect examples, weight the defect class in the loss,\n"
                 "   choose the threshold on the precision-recall curve for the recall the line needs.\n";
    return 0;
}
