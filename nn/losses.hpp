// Loss functions, like torch.nn's: each a function in nn::functional and a
// class with operator()(input, target). Include this header for all of them.
//
//   classification on class indices: nn/cross_entropy.hpp (CrossEntropyLoss, NLLLoss)
//   regression:   mse_loss = (x - y)^2          l1_loss = |x - y|
//   binary:       binary_cross_entropy(p, y)  = -w [y log p + (1 - y) log(1 - p)]
//                 binary_cross_entropy_with_logits(x, y)
//                   = -w [pos_weight y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]
//                   = w [pos_weight y softplus(-x) + (1 - y) softplus(x)]
//
// The regression losses are composed from differentiable tensor ops. The
// binary ones are fused element-wise kernels (losses.cpp), because the naive
// formulas fail at the edges: log(sigmoid(x)) is log(0) = -inf for x = -200,
// while softplus(-x) = max(-x, 0) + log(1 + e^-|x|) is exact and finite.
//
// input and target must have the same shape; weight and pos_weight broadcast
// against it (pos_weight [C] weighs the positive examples of class c in [N, C]).
// Gradients flow to input and target; weight and pos_weight are constants.
#pragma once

#include "nn/cross_entropy.hpp"
#include "nn/loss_reduction.hpp"

namespace kindling::nn {

struct BCEOptions {
    Tensor weight{}; // broadcast to the input; undefined = 1
    Reduction reduction = Reduction::Mean;
};

struct BCEWithLogitsOptions {
    Tensor weight{};     // broadcast to the input; undefined = 1
    Tensor pos_weight{}; // broadcast to the input; undefined = 1
    Reduction reduction = Reduction::Mean;
};

namespace functional {
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// `probabilities` in [0, 1]; each log is clamped at -100 like PyTorch, so p = 0 gives a finite loss.
Tensor binary_cross_entropy(const Tensor& probabilities, const Tensor& target, const BCEOptions& options = {});
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const BCEWithLogitsOptions& options = {});
} // namespace functional

class MSELoss {
public:
    explicit MSELoss(Reduction reduction = Reduction::Mean) : reduction(reduction) {}
    Tensor operator()(const Tensor& input, const Tensor& target) const {
        return functional::mse_loss(input, target, reduction);
    }
    Reduction reduction;
};

class L1Loss {
public:
    explicit L1Loss(Reduction reduction = Reduction::Mean) : reduction(reduction) {}
    Tensor operator()(const Tensor& input, const Tensor& target) const {
        return functional::l1_loss(input, target, reduction);
    }
    Reduction reduction;
};

class BCELoss {
public:
    explicit BCELoss(BCEOptions options = {}) : options(std::move(options)) {}
    Tensor operator()(const Tensor& probabilities, const Tensor& target) const {
        return functional::binary_cross_entropy(probabilities, target, options);
    }
    BCEOptions options;
};

class BCEWithLogitsLoss {
public:
    explicit BCEWithLogitsLoss(BCEWithLogitsOptions options = {}) : options(std::move(options)) {}
    Tensor operator()(const Tensor& logits, const Tensor& target) const {
        return functional::binary_cross_entropy_with_logits(logits, target, options);
    }
    BCEWithLogitsOptions options;
};

} // namespace kindling::nn
