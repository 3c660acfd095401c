#include "metrics/prediction_diagnostics.hpp"

#include <cstdio>

#include "metrics/class_counts.hpp"
#include "metrics/classification_report.hpp"

namespace kindling::metrics {

std::vector<Diagnostic> diagnose_predictions(const ConfusionMatrix& confusion,
                                             const std::vector<std::string>& class_names,
                                             PredictionDiagnosticsOptions options) {
    std::vector<Diagnostic> found;
    const std::int64_t num_classes = confusion.num_classes();
    const std::int64_t total = confusion.num_samples();
    if (total == 0 || num_classes < 2) return found;
    const std::vector<std::string> names = resolve_class_names(class_names, num_classes, "diagnose_predictions");
    const std::vector<ClassCounts> counts = confusion.class_counts();

    const double accuracy = static_cast<double>(confusion.correct()) / static_cast<double>(total);
    const double chance = 1.0 / static_cast<double>(num_classes);
    std::size_t majority = 0;
    for (std::size_t c = 1; c < counts.size(); ++c) {
        if (counts[c].support() > counts[majority].support()) majority = c;
    }
    const double majority_share = static_cast<double>(counts[majority].support()) / static_cast<double>(total);
    const std::string majority_name = "'" + names[majority] + "'";

    // Baselines: random guessing first, then the constant majority answer.
    if (accuracy <= chance + options.margin) {
        found.push_back({DiagnosticKind::ChanceLevel, Severity::Critical,
                         "accuracy " + format_percent(accuracy) + " is at chance level: guessing at random among " +
                             std::to_string(num_classes) + " classes scores " + format_percent(chance) +
                             ". The model has not learnt yet; check the labels, the learning rate and the input "
                             "normalisation.",
                         {{"accuracy", accuracy}, {"chance_accuracy", chance}},
                         {}});
    } else if (accuracy <= majority_share + options.margin) {
        const bool paradox = accuracy >= options.high_accuracy;
        const std::string baseline = "always predicting the majority class " + majority_name + " scores " +
                                     format_percent(majority_share) + " (" + std::to_string(counts[majority].support()) +
                                     " of " + std::to_string(total) + " samples)";
        found.push_back({paradox ? DiagnosticKind::AccuracyParadox : DiagnosticKind::ChanceLevel, Severity::Critical,
                         paradox ? "accuracy " + format_percent(accuracy) + " looks high, but " + baseline +
                                       ". Judge this model by per-class recall and precision, not accuracy."
                                 : "accuracy " + format_percent(accuracy) + " is no better than the majority-class baseline: " +
                                       baseline + ".",
                         {{"accuracy", accuracy}, {"majority_class_accuracy", majority_share}},
                         {static_cast<std::int64_t>(majority)}});
    }

    // Classes the model mostly misses.
    for (std::size_t c = 0; c < counts.size(); ++c) {
        const std::int64_t support = counts[c].support();
        if (support == 0) continue;
        const double recall = static_cast<double>(counts[c].true_positives) / static_cast<double>(support);
        if (recall >= options.low_recall) continue;
        found.push_back({DiagnosticKind::LowClassRecall, Severity::Warning,
                         "class '" + names[c] + "' has recall " + format_percent(recall) + ": only " +
                             std::to_string(counts[c].true_positives) + " of its " + std::to_string(support) +
                             " samples were found (overall accuracy " + format_percent(accuracy) + "). If missing a '" +
                             names[c] + "' is costly, lower its decision threshold or rebalance the training data.",
                         {{"recall", recall},
                          {"support", static_cast<double>(support)},
                          {"found", static_cast<double>(counts[c].true_positives)},
                          {"accuracy", accuracy}},
                         {static_cast<std::int64_t>(c)}});
    }
    return found;
}

} // namespace kindling::metrics
