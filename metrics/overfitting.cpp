#include "metrics/overfitting.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace kindling::metrics {

namespace {

std::string fixed(double value, int digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

// The loss rule; history indices are 0-based, reported epochs 1-based.
void check_loss_divergence(const std::vector<EpochMetrics>& history, const OverfittingOptions& options,
                           std::vector<Diagnostic>& found) {
    std::size_t best = history.size();
    for (std::size_t epoch = 0; epoch < history.size(); ++epoch) {
        const double loss = history[epoch].validation_loss;
        if (std::isnan(loss)) continue;
        if (best == history.size() || loss < history[best].validation_loss) best = epoch;
    }
    if (best == history.size()) return;
    const std::size_t last = history.size() - 1;
    const auto epochs_since_best = static_cast<int>(last - best);
    const EpochMetrics& at_best = history[best];
    const EpochMetrics& now = history[last];
    const bool validation_worse = now.validation_loss > at_best.validation_loss;
    const bool training_better = now.train_loss < at_best.train_loss; // false when either is NaN
    if (epochs_since_best < options.patience || !validation_worse || !training_better) return;

    const auto best_epoch = static_cast<std::int64_t>(best + 1);
    const std::int64_t started_epoch = best_epoch + 1;
    Diagnostic diagnostic{DiagnosticKind::Overfitting, Severity::Warning, "", {}, {started_epoch}};
    diagnostic.message = "validation loss has risen since epoch " + std::to_string(started_epoch) + ", from " +
                         fixed(at_best.validation_loss, 4) + " (epoch " + std::to_string(best_epoch) + ") to " +
                         fixed(now.validation_loss, 4) + " over " + std::to_string(epochs_since_best) +
                         " epochs while training loss kept falling (" + fixed(at_best.train_loss, 4) + " -> " +
                         fixed(now.train_loss, 4) + "). Keep the weights of epoch " + std::to_string(best_epoch) +
                         " (early stopping) or regularise (augmentation, weight decay, dropout).";
    diagnostic.numbers = {{"started_epoch", static_cast<double>(started_epoch)},
                          {"best_epoch", static_cast<double>(best_epoch)},
                          {"best_validation_loss", at_best.validation_loss},
                          {"final_validation_loss", now.validation_loss},
                          {"final_train_loss", now.train_loss},
                          {"epochs_rising", static_cast<double>(epochs_since_best)}};
    found.push_back(diagnostic);
}

// The accuracy rule: the gap must still be open at the last epoch; it started
// where the final run of over-threshold epochs began.
void check_accuracy_gap(const std::vector<EpochMetrics>& history, const OverfittingOptions& options,
                        std::vector<Diagnostic>& found) {
    auto gap_at = [&](std::size_t epoch) { return history[epoch].train_accuracy - history[epoch].validation_accuracy; };
    const std::size_t last = history.size() - 1;
    if (!(gap_at(last) > options.accuracy_gap)) return; // also false for NaN
    std::size_t start = last;
    while (start > 0 && gap_at(start - 1) > options.accuracy_gap) --start;

    const auto started_epoch = static_cast<std::int64_t>(start + 1);
    const EpochMetrics& now = history[last];
    Diagnostic diagnostic{DiagnosticKind::Overfitting, Severity::Warning, "", {}, {started_epoch}};
    diagnostic.message = "train-validation accuracy gap of " + format_percent(gap_at(last)) + " (train " +
                         format_percent(now.train_accuracy) + ", validation " + format_percent(now.validation_accuracy) +
                         ") has exceeded " + format_percent(options.accuracy_gap) + " since epoch " +
                         std::to_string(started_epoch) + ": the model fits the training set much better than new data.";
    diagnostic.numbers = {{"started_epoch", static_cast<double>(started_epoch)},
                          {"accuracy_gap", gap_at(last)},
                          {"threshold", options.accuracy_gap},
                          {"train_accuracy", now.train_accuracy},
                          {"validation_accuracy", now.validation_accuracy}};
    found.push_back(diagnostic);
}

} // namespace

std::vector<Diagnostic> detect_overfitting(const std::vector<EpochMetrics>& history, OverfittingOptions options) {
    std::vector<Diagnostic> found;
    if (history.empty()) return found;
    check_loss_divergence(history, options, found);
    check_accuracy_gap(history, options, found);
    return found;
}

} // namespace kindling::metrics
