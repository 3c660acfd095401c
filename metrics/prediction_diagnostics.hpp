// What a confusion matrix says about a model that accuracy alone hides.
//
//   chance level:     accuracy within `margin` of random guessing (1/K) — the
//                     model has learnt nothing yet.
//   majority baseline: accuracy within `margin` of always predicting the most
//                     frequent class. When that accuracy is also high this is
//                     the *accuracy paradox*: 98% sounds good, but 98% of the
//                     samples are "ok" and a constant answer scores the same.
//   low class recall: some class (often the rare, important one: the defect,
//                     the disease) has recall below `low_recall`; the
//                     diagnostic names it.
#pragma once

#include <string>
#include <vector>

#include "metrics/confusion_matrix.hpp"
#include "metrics/diagnostic.hpp"

namespace kindling::metrics {

struct PredictionDiagnosticsOptions {
    double margin = 0.02;        // "near" a baseline: accuracy <= baseline + margin
    double high_accuracy = 0.80; // accuracy at which "no better than the majority" becomes a paradox
    double low_recall = 0.50;    // a class's recall below this is reported
};

// indices: ChanceLevel/AccuracyParadox -> {majority class} (or {} for random
// guessing); LowClassRecall -> {the class}.
std::vector<Diagnostic> diagnose_predictions(const ConfusionMatrix& confusion,
                                             const std::vector<std::string>& class_names = {},
                                             PredictionDiagnosticsOptions options = {});

} // namespace kindling::metrics
