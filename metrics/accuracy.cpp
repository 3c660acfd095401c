#include "metrics/accuracy.hpp"

#include <stdexcept>
#include <string>

#include "metrics/class_predictions.hpp"

namespace kindling::metrics {

Accuracy::Accuracy(std::int64_t num_classes, AccuracyOptions options) : num_classes_(num_classes), options_(options) {
    if (num_classes < 1) {
        throw std::invalid_argument("Accuracy: num_classes must be >= 1, got " + std::to_string(num_classes));
    }
    if (options.top_k < 1 || options.top_k > num_classes) {
        throw std::invalid_argument("Accuracy: top_k must be in [1, " + std::to_string(num_classes) + "], got " +
                                    std::to_string(options.top_k));
    }
}

namespace {

// How many samples have their target among the k best scores.
// scores: [N, K] row-major, targets: [N].
std::int64_t count_top_k_hits(const std::vector<double>& scores, const std::vector<std::int64_t>& targets,
                              std::int64_t num_classes, std::int64_t k) {
    std::int64_t hits = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const double* row = scores.data() + i * static_cast<std::size_t>(num_classes);
        const std::int64_t target = targets[i];
        // The target's rank = how many classes beat it (a higher score, or an
        // equal score at a lower index, as arg-max decides ties).
        std::int64_t classes_ranked_higher = 0;
        for (std::int64_t c = 0; c < num_classes; ++c) {
            if (row[c] > row[target] || (row[c] == row[target] && c < target)) ++classes_ranked_higher;
        }
        if (classes_ranked_higher < k) ++hits;
    }
    return hits;
}

} // namespace

void Accuracy::update(const Tensor& predictions, const Tensor& targets) {
    const std::vector<std::int64_t> target_classes = target_class_indices(targets, "Accuracy.update");
    check_class_range(target_classes, num_classes_, "Accuracy.update", "target");

    if (options_.top_k == 1) {
        const std::vector<std::int64_t> predicted =
            predicted_class_indices(predictions, targets, options_.threshold, "Accuracy.update");
        check_class_range(predicted, num_classes_, "Accuracy.update", "prediction");
        for (std::size_t i = 0; i < predicted.size(); ++i) correct_ += predicted[i] == target_classes[i] ? 1 : 0;
    } else {
        // predictions: [N, K] scores -> rank of each target among its row.
        const Shape expected{targets.numel(), num_classes_};
        if (!is_floating(predictions.dtype()) || targets.dim() != 1 || predictions.shape() != expected) {
            throw std::invalid_argument("Accuracy.update: top-" + std::to_string(options_.top_k) +
                                        " accuracy needs float scores of shape " + shape_to_string(expected) +
                                        " for targets " + shape_to_string(targets.shape()) + ", got " +
                                        dtype_name(predictions.dtype()) + " " + shape_to_string(predictions.shape()));
        }
        correct_ += count_top_k_hits(predictions.to_vector<double>(), target_classes, num_classes_, options_.top_k);
    }
    total_ += static_cast<std::int64_t>(target_classes.size());
}

void Accuracy::reset() {
    correct_ = 0;
    total_ = 0;
}

double Accuracy::compute() const {
    if (total_ == 0) throw std::logic_error("Accuracy.compute: no samples seen since the last reset()");
    return static_cast<double>(correct_) / static_cast<double>(total_);
}

} // namespace kindling::metrics
