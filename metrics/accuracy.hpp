// Accuracy: the fraction of samples whose true class is among the model's
// top k guesses. Top-1 is the usual "fraction correct"; top-5 is what ImageNet
// papers quote, because with 1000 classes the first guess is a harsh judge.
//
//   top-k accuracy = #{ i : target_i is one of the k highest scores of sample i } / N
//
// Ties are broken like arg-max: among equal scores the lower class index ranks
// first, so top-1 accuracy always agrees with the arg-max prediction.
//
// Accuracy alone misleads on imbalanced data (see diagnostics.hpp): 98%
// accuracy is no achievement when 98% of the samples are one class.
#pragma once

#include <cstdint>

#include "tensor/tensor.hpp"

namespace kindling::metrics {

struct AccuracyOptions {
    std::int64_t top_k = 1;
    double threshold = 0.5; // for binary float scores shaped like the targets
};

class Accuracy {
public:
    explicit Accuracy(std::int64_t num_classes, AccuracyOptions options = {});

    // predictions: int64 [N] indices, float [N] binary scores, or float [N, K]
    // logits/probabilities (required when top_k > 1); targets: int64 [N].
    void update(const Tensor& predictions, const Tensor& targets);
    void reset();
    // correct / total; throws when no sample has been seen (0 / 0 is no accuracy).
    double compute() const;

    std::int64_t correct() const { return correct_; }
    std::int64_t total() const { return total_; }

private:
    std::int64_t num_classes_;
    AccuracyOptions options_;
    std::int64_t correct_ = 0;
    std::int64_t total_ = 0;
};

} // namespace kindling::metrics
