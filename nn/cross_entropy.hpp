// Classification losses on class-index targets: CrossEntropyLoss (from logits)
// and NLLLoss (from log-probabilities).
//
//   input: [N, C] scores, or [N, C, d1, d2, ...] for a class per pixel, or [C]
//   target: int64 class indices [N] (or [N, d1, d2, ...], or a scalar), each in
//           [0, C) or equal to ignore_index
//
// For one sample with target t, log-probabilities logp = log_softmax(x), class
// weights w (all ones by default) and label smoothing eps:
//   nll_loss:      loss = -w_t * x_t                        (x already log-probabilities)
//   cross_entropy: loss = -(1 - eps) w_t logp_t - (eps / C) sum_c w_c logp_c
// Mean reduction divides the sum by sum of w_t over the non-ignored samples,
// exactly like PyTorch (a weighted mean); ignored samples contribute 0 and are
// not counted.
//
// cross_entropy is one fused kernel (log-softmax, loss and the backward), the
// gradient per sample being
//   dloss/dx_c = p_c * A - a_c,   a_c = (1 - eps) w_t [c == t] + (eps / C) w_c,   A = sum_c a_c
// with p = softmax(x): for eps = 0 and no weights, the familiar p - onehot(t).
#pragma once

#include <cstdint>

#include "nn/loss_reduction.hpp"

namespace kindling::nn {

struct CrossEntropyOptions {
    Tensor weight{};                 // [C] class weights, same dtype as the input; undefined = all ones
    std::int64_t ignore_index = -100;
    Reduction reduction = Reduction::Mean;
    double label_smoothing = 0.0;    // in [0, 1]
};

struct NLLLossOptions {
    Tensor weight{};
    std::int64_t ignore_index = -100;
    Reduction reduction = Reduction::Mean;
};

namespace functional {
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& options = {});
Tensor nll_loss(const Tensor& log_probabilities, const Tensor& target, const NLLLossOptions& options = {});
} // namespace functional

// loss = criterion(logits, target), e.g.
//   nn::CrossEntropyLoss criterion({.label_smoothing = 0.1});
class CrossEntropyLoss {
public:
    explicit CrossEntropyLoss(CrossEntropyOptions options = {}) : options(std::move(options)) {}
    Tensor operator()(const Tensor& logits, const Tensor& target) const {
        return functional::cross_entropy(logits, target, options);
    }
    CrossEntropyOptions options;
};

class NLLLoss {
public:
    explicit NLLLoss(NLLLossOptions options = {}) : options(std::move(options)) {}
    Tensor operator()(const Tensor& log_probabilities, const Tensor& target) const {
        return functional::nll_loss(log_probabilities, target, options);
    }
    NLLLossOptions options;
};

} // namespace kindling::nn
