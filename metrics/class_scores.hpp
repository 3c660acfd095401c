// Precision, Recall, FBeta/F1 and Specificity as streaming metrics.
//
// Each one is a ConfusionMatrix plus a Score from class_counts.hpp: update()
// adds the batch to the matrix, compute() turns the matrix's one-vs-rest
// counts into per-class values and their macro/micro/weighted averages. The
// formulas live only in class_counts.cpp.
//
// Which one to watch depends on what a mistake costs:
//   - a missed defect on a production line is expensive -> recall of "defect"
//   - a false alarm stops the line for nothing          -> precision of "defect"
//   - both matter                                       -> F1 (or F-beta, beta > 1 favours recall)
//   - how well the negatives are left alone (medicine)  -> specificity
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/class_counts.hpp"
#include "metrics/confusion_matrix.hpp"

namespace kindling::metrics {

struct ClassScoreOptions {
    ZeroDivision zero_division;             // what 0/0 is reported as (always also warned about)
    ConfusionMatrixOptions confusion;       // binary threshold, ignore_index
    std::vector<std::string> class_names;   // only used in warnings
};

// The shared streaming machinery; use the named classes below.
class ClassScoreMetric {
public:
    ClassScoreMetric(Score score, std::int64_t num_classes, double beta, ClassScoreOptions options);

    void update(const Tensor& predictions, const Tensor& targets) { confusion_.update(predictions, targets); }
    void reset() { confusion_.reset(); }
    // Per-class values, macro/micro/weighted averages and warnings.
    ScoreResult compute() const;

    const ConfusionMatrix& confusion_matrix() const { return confusion_; }

private:
    Score score_;
    double beta_;
    ClassScoreOptions options_;
    ConfusionMatrix confusion_;
};

// TP / (TP + FP)
class Precision : public ClassScoreMetric {
public:
    explicit Precision(std::int64_t num_classes, ClassScoreOptions options = {})
        : ClassScoreMetric(Score::Precision, num_classes, 1.0, std::move(options)) {}
};

// TP / (TP + FN), also called sensitivity or true-positive rate
class Recall : public ClassScoreMetric {
public:
    explicit Recall(std::int64_t num_classes, ClassScoreOptions options = {})
        : ClassScoreMetric(Score::Recall, num_classes, 1.0, std::move(options)) {}
};

// (1 + b^2) P R / (b^2 P + R): beta > 1 weighs recall more, beta < 1 precision.
class FBeta : public ClassScoreMetric {
public:
    FBeta(std::int64_t num_classes, double beta, ClassScoreOptions options = {})
        : ClassScoreMetric(Score::FBeta, num_classes, beta, std::move(options)) {}
};

// F-beta with beta = 1: the harmonic mean 2 P R / (P + R).
class F1Score : public FBeta {
public:
    explicit F1Score(std::int64_t num_classes, ClassScoreOptions options = {})
        : FBeta(num_classes, 1.0, std::move(options)) {}
};

// TN / (TN + FP), the true-negative rate
class Specificity : public ClassScoreMetric {
public:
    explicit Specificity(std::int64_t num_classes, ClassScoreOptions options = {})
        : ClassScoreMetric(Score::Specificity, num_classes, 1.0, std::move(options)) {}
};

} // namespace kindling::metrics
