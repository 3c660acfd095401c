#include "metrics/binary_curves.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "metrics/class_predictions.hpp"

namespace kindling::metrics {

namespace {

void check_binary_inputs(const std::vector<double>& scores, const std::vector<std::int64_t>& targets, const char* op) {
    if (scores.size() != targets.size()) {
        throw std::invalid_argument(std::string(op) + ": " + std::to_string(scores.size()) + " scores for " +
                                    std::to_string(targets.size()) + " targets");
    }
    if (scores.empty()) throw std::invalid_argument(std::string(op) + ": no samples");
    check_class_range(targets, 2, op, "target");
}

// The counts at every distinct threshold, highest threshold first: predicting
// positive for score >= thresholds[i] gives true_positives[i] and
// false_positives[i]. Sorting once makes the sweep O(N log N) instead of
// O(N) per threshold.
struct ThresholdSweep {
    std::vector<double> thresholds;
    std::vector<std::int64_t> true_positives;
    std::vector<std::int64_t> false_positives;
};

ThresholdSweep sweep_thresholds(const std::vector<double>& scores, const std::vector<std::int64_t>& targets) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });

    ThresholdSweep sweep;
    std::int64_t true_positives = 0;
    std::int64_t false_positives = 0;
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
        const std::size_t sample = order[rank];
        (targets[sample] == 1 ? true_positives : false_positives) += 1;
        // Record a point only after the last sample of a group of equal scores:
        // a threshold cannot separate equal scores.
        const bool last_of_its_score = rank + 1 == order.size() || scores[order[rank + 1]] != scores[sample];
        if (last_of_its_score) {
            sweep.thresholds.push_back(scores[sample]);
            sweep.true_positives.push_back(true_positives);
            sweep.false_positives.push_back(false_positives);
        }
    }
    return sweep;
}

} // namespace

PrecisionRecallCurve precision_recall_curve(const std::vector<double>& scores, const std::vector<std::int64_t>& targets) {
    check_binary_inputs(scores, targets, "precision_recall_curve");
    const ThresholdSweep sweep = sweep_thresholds(scores, targets);
    const auto total_positives = static_cast<double>(sweep.true_positives.back());

    // The sweep runs from the highest threshold down; the curve is returned
    // from the lowest threshold up, ending at the (recall 0, precision 1) point.
    PrecisionRecallCurve curve;
    for (std::size_t i = sweep.thresholds.size(); i-- > 0;) {
        const auto tp = static_cast<double>(sweep.true_positives[i]);
        const auto predicted_positive = tp + static_cast<double>(sweep.false_positives[i]);
        curve.precision.push_back(tp / predicted_positive);
        // With no positive sample at all, every threshold finds "all" of them.
        curve.recall.push_back(total_positives > 0 ? tp / total_positives : 1.0);
        curve.thresholds.push_back(sweep.thresholds[i]);
    }
    curve.precision.push_back(1.0);
    curve.recall.push_back(0.0);
    return curve;
}

double average_precision(const std::vector<double>& scores, const std::vector<std::int64_t>& targets) {
    const PrecisionRecallCurve curve = precision_recall_curve(scores, targets);
    // AP = sum_n (R_n - R_{n-1}) P_n, walking from high thresholds (low recall)
    // to low thresholds (high recall).
    double area = 0.0;
    for (std::size_t n = 0; n + 1 < curve.recall.size(); ++n) {
        area += (curve.recall[n] - curve.recall[n + 1]) * curve.precision[n];
    }
    return area;
}

RocCurve roc_curve(const std::vector<double>& scores, const std::vector<std::int64_t>& targets) {
    check_binary_inputs(scores, targets, "roc_curve");
    const ThresholdSweep sweep = sweep_thresholds(scores, targets);
    const auto positives = static_cast<double>(sweep.true_positives.back());
    const auto negatives = static_cast<double>(sweep.false_positives.back());
    const double nan = std::numeric_limits<double>::quiet_NaN();

    RocCurve curve{{0.0}, {0.0}, {std::numeric_limits<double>::infinity()}};
    for (std::size_t i = 0; i < sweep.thresholds.size(); ++i) {
        curve.false_positive_rate.push_back(negatives > 0 ? static_cast<double>(sweep.false_positives[i]) / negatives : nan);
        curve.true_positive_rate.push_back(positives > 0 ? static_cast<double>(sweep.true_positives[i]) / positives : nan);
        curve.thresholds.push_back(sweep.thresholds[i]);
    }
    if (negatives == 0 || positives == 0) curve.false_positive_rate.front() = curve.true_positive_rate.front() = nan;
    return curve;
}

double roc_auc(const std::vector<double>& scores, const std::vector<std::int64_t>& targets) {
    const RocCurve curve = roc_curve(scores, targets);
    const std::int64_t positives = std::count(targets.begin(), targets.end(), 1);
    if (positives == 0 || positives == static_cast<std::int64_t>(targets.size())) {
        throw std::invalid_argument("roc_auc: the targets hold only class " + std::to_string(targets.front()) +
                                    " (" + std::to_string(targets.size()) +
                                    " samples); ROC-AUC needs both positives and negatives");
    }
    // Trapezoid rule over the curve's points.
    double area = 0.0;
    for (std::size_t i = 1; i < curve.false_positive_rate.size(); ++i) {
        const double width = curve.false_positive_rate[i] - curve.false_positive_rate[i - 1];
        area += width * (curve.true_positive_rate[i] + curve.true_positive_rate[i - 1]) / 2.0;
    }
    return area;
}

void BinaryScores::update(const Tensor& scores, const Tensor& targets) {
    if (!is_floating(scores.dtype()) || scores.dim() != 1 || scores.shape() != targets.shape()) {
        throw std::invalid_argument("BinaryScores.update: expected float scores [N] shaped like the targets " +
                                    shape_to_string(targets.shape()) + ", got " + dtype_name(scores.dtype()) + " " +
                                    shape_to_string(scores.shape()));
    }
    const std::vector<std::int64_t> batch_targets = target_class_indices(targets, "BinaryScores.update");
    check_class_range(batch_targets, 2, "BinaryScores.update", "target");
    const std::vector<double> batch_scores = scores.to_vector<double>();
    scores_.insert(scores_.end(), batch_scores.begin(), batch_scores.end());
    targets_.insert(targets_.end(), batch_targets.begin(), batch_targets.end());
}

void BinaryScores::reset() {
    scores_.clear();
    targets_.clear();
}

ClassCounts BinaryScores::counts_at(double threshold) const {
    ClassCounts counts;
    for (std::size_t i = 0; i < scores_.size(); ++i) {
        const bool predicted_positive = scores_[i] >= threshold;
        const bool positive = targets_[i] == 1;
        if (predicted_positive && positive) ++counts.true_positives;
        if (predicted_positive && !positive) ++counts.false_positives;
        if (!predicted_positive && positive) ++counts.false_negatives;
        if (!predicted_positive && !positive) ++counts.true_negatives;
    }
    return counts;
}

PrecisionRecallCurve BinaryScores::precision_recall_curve() const {
    return metrics::precision_recall_curve(scores_, targets_);
}
double BinaryScores::average_precision() const { return metrics::average_precision(scores_, targets_); }
RocCurve BinaryScores::roc_curve() const { return metrics::roc_curve(scores_, targets_); }
double BinaryScores::roc_auc() const { return metrics::roc_auc(scores_, targets_); }

} // namespace kindling::metrics
