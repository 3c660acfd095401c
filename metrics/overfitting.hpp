// Overfitting: the model starts memorising the training set instead of
// learning what generalises. Read from the per-epoch history:
//
//   loss rule:     training loss keeps falling while validation loss has not
//                  come back to its best for `patience` epochs; it started the
//                  epoch after the validation loss was lowest (the epoch early
//                  stopping would keep).
//   accuracy rule: training accuracy exceeds validation accuracy by more than
//                  `accuracy_gap`, and has ever since a given epoch.
//
// Epochs are numbered from 1 in messages, numbers and indices, as training
// logs print them.
#pragma once

#include <limits>
#include <vector>

#include "metrics/diagnostic.hpp"

namespace kindling::metrics {

// One epoch's summary; leave a field NaN when it was not measured.
struct EpochMetrics {
    double train_loss = std::numeric_limits<double>::quiet_NaN();
    double validation_loss = std::numeric_limits<double>::quiet_NaN();
    double train_accuracy = std::numeric_limits<double>::quiet_NaN();
    double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
};

struct OverfittingOptions {
    int patience = 3;           // epochs of validation loss above its best before it counts
    double accuracy_gap = 0.10; // train - validation accuracy that counts as a gap
};

// Zero, one or two Overfitting diagnostics (one per rule that fires). Each has
// numbers["started_epoch"] and indices = {started_epoch}.
std::vector<Diagnostic> detect_overfitting(const std::vector<EpochMetrics>& history, OverfittingOptions options = {});

} // namespace kindling::metrics
