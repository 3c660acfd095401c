// Binary tasks: one score per sample for the positive class (1), and a
// decision threshold that turns it into a yes/no.
//
// Moving the threshold trades precision for recall. Sweeping it over every
// distinct score gives
//   - the precision-recall curve and its summary, average precision
//       AP = sum_n (R_n - R_{n-1}) P_n        (scikit-learn's definition: a step
//                                              sum, no interpolation)
//   - the ROC curve (true-positive rate against false-positive rate) and the
//     area under it, ROC-AUC: the probability that a random positive scores
//     higher than a random negative (0.5 = guessing, 1 = perfect ranking).
// On rare positives prefer the PR curve: ROC-AUC can look excellent while
// most alarms are false, because the false-positive rate divides by the many
// negatives.
#pragma once

#include <cstdint>
#include <vector>

#include "metrics/class_counts.hpp"
#include "tensor/tensor.hpp"

namespace kindling::metrics {

// Points ordered by increasing threshold, as scikit-learn returns them:
// precision[i], recall[i] are obtained predicting positive when
// score >= thresholds[i]; a last point (precision 1, recall 0) has no threshold.
struct PrecisionRecallCurve {
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<double> thresholds;
};

// Points ordered by decreasing threshold, starting at (0, 0) with threshold
// +infinity (nothing predicted positive). Every distinct score is kept.
struct RocCurve {
    std::vector<double> false_positive_rate;
    std::vector<double> true_positive_rate;
    std::vector<double> thresholds;
};

// targets are 0/1; scores any real numbers (probabilities, logits, margins).
PrecisionRecallCurve precision_recall_curve(const std::vector<double>& scores, const std::vector<std::int64_t>& targets);
double average_precision(const std::vector<double>& scores, const std::vector<std::int64_t>& targets);
RocCurve roc_curve(const std::vector<double>& scores, const std::vector<std::int64_t>& targets);
// Throws when the targets hold only one class: the ROC curve is then undefined.
double roc_auc(const std::vector<double>& scores, const std::vector<std::int64_t>& targets);

// Streaming collector: update() per batch keeps every (score, target) pair,
// because a threshold sweep needs them all.
class BinaryScores {
public:
    // scores: float [N], targets: int64 [N] of 0/1.
    void update(const Tensor& scores, const Tensor& targets);
    void reset();

    // TP/FP/FN/TN of the positive class when predicting score >= threshold.
    ClassCounts counts_at(double threshold) const;
    PrecisionRecallCurve precision_recall_curve() const;
    double average_precision() const;
    RocCurve roc_curve() const;
    double roc_auc() const;

    const std::vector<double>& scores() const { return scores_; }
    const std::vector<std::int64_t>& targets() const { return targets_; }

private:
    std::vector<double> scores_;
    std::vector<std::int64_t> targets_;
};

} // namespace kindling::metrics
