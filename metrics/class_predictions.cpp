#include "metrics/class_predictions.hpp"

#include <stdexcept>
#include <string>

#include "tensor/ops.hpp"

namespace kindling::metrics {

std::vector<std::int64_t> target_class_indices(const Tensor& targets, const char* op) {
    if (targets.dtype() != DType::Int64) {
        throw std::invalid_argument(std::string(op) + ": targets must be int64 class indices, got dtype " +
                                    dtype_name(targets.dtype()) + " with shape " + shape_to_string(targets.shape()));
    }
    return targets.to_vector<std::int64_t>();
}

std::vector<std::int64_t> predicted_class_indices(const Tensor& predictions, const Tensor& targets, double threshold,
                                                  const char* op) {
    const Shape& target_shape = targets.shape();
    if (predictions.dtype() == DType::Int64) {
        if (predictions.shape() != target_shape) {
            throw std::invalid_argument(std::string(op) + ": int64 predictions must have the targets' shape " +
                                        shape_to_string(target_shape) + ", got " +
                                        shape_to_string(predictions.shape()));
        }
        return predictions.to_vector<std::int64_t>();
    }

    // A float score per element: the binary case, decided by the threshold.
    if (predictions.shape() == target_shape) {
        const std::vector<double> scores = predictions.to_vector<double>();
        std::vector<std::int64_t> classes(scores.size());
        for (std::size_t i = 0; i < scores.size(); ++i) classes[i] = scores[i] >= threshold ? 1 : 0;
        return classes;
    }

    // [N, K, ...] scores for targets [N, ...]: the class dimension is dim 1.
    Shape without_class_dim = predictions.shape();
    if (predictions.dim() == targets.dim() + 1 && predictions.dim() >= 2) {
        without_class_dim.erase(without_class_dim.begin() + 1);
    }
    if (predictions.dim() != targets.dim() + 1 || without_class_dim != target_shape) {
        throw std::invalid_argument(std::string(op) + ": float predictions must be scores shaped like the targets " +
                                    shape_to_string(target_shape) + " or [N, K, ...] scores around them, got " +
                                    shape_to_string(predictions.shape()));
    }
    return argmax(predictions.detach(), 1).to_vector<std::int64_t>();
}

void check_class_range(const std::vector<std::int64_t>& labels, std::int64_t num_classes, const char* op,
                       const char* what, std::optional<std::int64_t> ignore_index) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (ignore_index && labels[i] == *ignore_index) continue;
        if (labels[i] < 0 || labels[i] >= num_classes) {
            throw std::invalid_argument(std::string(op) + ": " + what + " at position " + std::to_string(i) + " is " +
                                        std::to_string(labels[i]) + ", expected a class index in [0, " +
                                        std::to_string(num_classes) + ")");
        }
    }
}

} // namespace kindling::metrics
