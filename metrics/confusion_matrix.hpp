// ConfusionMatrix: counts of (true class, predicted class) pairs, the table
// every classification metric reads.
//
//                   predicted
//                   cat   dog
//     actual cat     50     5      row = true class (scikit-learn and
//            dog      3    42      torchmetrics convention), column = predicted
//
// Streaming, like torchmetrics: call update() once per batch, compute() at the
// end, reset() before the next epoch. Counts just add up, so the matrix after
// many batches is exactly the matrix of the whole data set.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/class_counts.hpp"
#include "tensor/tensor.hpp"

namespace kindling::metrics {

// What compute(normalize) divides each count by.
enum class Normalize {
    None,    // raw counts
    Rows,    // by the row sum: each row shows where the samples of a true class went (scikit-learn "true")
    Columns, // by the column sum: each column shows what a prediction really was (scikit-learn "pred")
    All,     // by the number of samples (scikit-learn "all")
};

struct ConfusionMatrixOptions {
    double threshold = 0.5;                   // for binary float scores: predicted 1 when score >= threshold
    std::optional<std::int64_t> ignore_index; // samples whose target equals it are skipped (segmentation borders)
};

class ConfusionMatrix {
public:
    explicit ConfusionMatrix(std::int64_t num_classes, ConfusionMatrixOptions options = {});

    // predictions: int64 [N, ...] indices, float [N, ...] binary scores, or
    // float [N, K, ...] logits/probabilities; targets: int64 [N, ...].
    void update(const Tensor& predictions, const Tensor& targets);
    // The same from plain class indices (used by the CSV reader and the tests).
    void update(const std::vector<std::int64_t>& predicted, const std::vector<std::int64_t>& targets);
    void reset();

    // int64 [K, K] counts, rows = true class.
    Tensor compute() const;
    // float64 [K, K]; a row/column with no samples stays all zeros (as in scikit-learn).
    Tensor compute(Normalize normalize) const;

    std::int64_t num_classes() const { return num_classes_; }
    std::int64_t count(std::int64_t true_class, std::int64_t predicted_class) const;
    std::int64_t num_samples() const { return num_samples_; }
    std::int64_t correct() const; // the diagonal's sum

    // One-vs-rest TP/FP/FN/TN per class: the input of class_score().
    std::vector<ClassCounts> class_counts() const;

private:
    std::int64_t num_classes_;
    ConfusionMatrixOptions options_;
    std::vector<std::int64_t> counts_; // [K * K], row-major: counts_[true * K + predicted]
    std::int64_t num_samples_ = 0;
};

} // namespace kindling::metrics
