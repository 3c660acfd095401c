#include "metrics/confusion_matrix.hpp"

#include <stdexcept>
#include <string>

#include "metrics/class_predictions.hpp"

namespace kindling::metrics {

ConfusionMatrix::ConfusionMatrix(std::int64_t num_classes, ConfusionMatrixOptions options)
    : num_classes_(num_classes), options_(options) {
    if (num_classes < 1) {
        throw std::invalid_argument("ConfusionMatrix: num_classes must be >= 1, got " + std::to_string(num_classes));
    }
    counts_.assign(static_cast<std::size_t>(num_classes * num_classes), 0);
}

void ConfusionMatrix::update(const Tensor& predictions, const Tensor& targets) {
    update(predicted_class_indices(predictions, targets, options_.threshold, "ConfusionMatrix.update"),
           target_class_indices(targets, "ConfusionMatrix.update"));
}

void ConfusionMatrix::update(const std::vector<std::int64_t>& predicted, const std::vector<std::int64_t>& targets) {
    if (predicted.size() != targets.size()) {
        throw std::invalid_argument("ConfusionMatrix.update: " + std::to_string(predicted.size()) +
                                    " predictions for " + std::to_string(targets.size()) + " targets");
    }
    // Validate everything before counting anything, so a bad batch leaves the
    // matrix as it was.
    check_class_range(targets, num_classes_, "ConfusionMatrix.update", "target", options_.ignore_index);
    std::vector<std::int64_t> kept_predictions;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (options_.ignore_index && targets[i] == *options_.ignore_index) continue;
        kept_predictions.push_back(predicted[i]);
    }
    check_class_range(kept_predictions, num_classes_, "ConfusionMatrix.update", "prediction");

    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (options_.ignore_index && targets[i] == *options_.ignore_index) continue;
        ++counts_[static_cast<std::size_t>(targets[i] * num_classes_ + predicted[i])];
        ++num_samples_;
    }
}

void ConfusionMatrix::reset() {
    counts_.assign(counts_.size(), 0);
    num_samples_ = 0;
}

Tensor ConfusionMatrix::compute() const {
    return from_vector(counts_, {num_classes_, num_classes_});
}

Tensor ConfusionMatrix::compute(Normalize normalize) const {
    const std::int64_t k = num_classes_;
    std::vector<double> normalized(counts_.begin(), counts_.end());
    for (std::int64_t row = 0; row < k; ++row) {
        for (std::int64_t column = 0; column < k; ++column) {
            double divisor = 1.0;
            if (normalize == Normalize::All) divisor = static_cast<double>(num_samples_);
            if (normalize == Normalize::Rows) {
                divisor = 0.0;
                for (std::int64_t j = 0; j < k; ++j) divisor += static_cast<double>(count(row, j));
            }
            if (normalize == Normalize::Columns) {
                divisor = 0.0;
                for (std::int64_t i = 0; i < k; ++i) divisor += static_cast<double>(count(i, column));
            }
            double& cell = normalized[static_cast<std::size_t>(row * k + column)];
            cell = divisor > 0.0 ? cell / divisor : 0.0;
        }
    }
    return from_vector(normalized, {k, k});
}

std::int64_t ConfusionMatrix::count(std::int64_t true_class, std::int64_t predicted_class) const {
    if (true_class < 0 || true_class >= num_classes_ || predicted_class < 0 || predicted_class >= num_classes_) {
        throw std::out_of_range("ConfusionMatrix.count: (" + std::to_string(true_class) + ", " +
                                std::to_string(predicted_class) + ") is outside a " + std::to_string(num_classes_) +
                                "x" + std::to_string(num_classes_) + " matrix");
    }
    return counts_[static_cast<std::size_t>(true_class * num_classes_ + predicted_class)];
}

std::int64_t ConfusionMatrix::correct() const {
    std::int64_t diagonal = 0;
    for (std::int64_t c = 0; c < num_classes_; ++c) diagonal += count(c, c);
    return diagonal;
}

std::vector<ClassCounts> ConfusionMatrix::class_counts() const {
    // For class c: TP is the diagonal cell, FN the rest of row c (true c,
    // predicted something else), FP the rest of column c, TN everything else.
    std::vector<ClassCounts> per_class(static_cast<std::size_t>(num_classes_));
    for (std::int64_t c = 0; c < num_classes_; ++c) {
        ClassCounts& counts = per_class[static_cast<std::size_t>(c)];
        counts.true_positives = count(c, c);
        for (std::int64_t other = 0; other < num_classes_; ++other) {
            if (other == c) continue;
            counts.false_negatives += count(c, other);
            counts.false_positives += count(other, c);
        }
        counts.true_negatives =
            num_samples_ - counts.true_positives - counts.false_negatives - counts.false_positives;
    }
    return per_class;
}

} // namespace kindling::metrics
