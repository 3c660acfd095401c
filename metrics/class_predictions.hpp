// From model outputs to class indices: the first step of every
// classification metric's update().
//
// A model's predictions arrive in one of three forms, told apart by dtype and
// shape (targets are always int64 class indices, shape [N] or [N, ...]):
//
//   int64  [N, ...]      class indices already         -> used as they are
//   float  [N, ...]      binary: score of class 1      -> 1 when score >= threshold, else 0
//   float  [N, K, ...]   logits or probabilities       -> arg-max over dim 1 (first on ties)
//
// The arg-max is the same for logits and probabilities (softmax is monotonic),
// so callers never need to apply softmax before a metric.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::metrics {

// One predicted class per target element, in row-major order.
std::vector<std::int64_t> predicted_class_indices(const Tensor& predictions, const Tensor& targets, double threshold,
                                                  const char* op);

// The targets as a flat vector; they must be int64.
std::vector<std::int64_t> target_class_indices(const Tensor& targets, const char* op);

// Throws naming `op`, `what` ("target"/"prediction"), the position and the
// value when a label is outside [0, num_classes). Labels equal to
// `ignore_index` are allowed.
void check_class_range(const std::vector<std::int64_t>& labels, std::int64_t num_classes, const char* op,
                       const char* what, std::optional<std::int64_t> ignore_index = std::nullopt);

} // namespace kindling::metrics
