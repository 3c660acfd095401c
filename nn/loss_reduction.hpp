// How a loss turns per-element losses into its result, as PyTorch's
// `reduction` argument:
//   None: the per-element losses, shaped like the target
//   Sum:  their sum
//   Mean: their mean (a WEIGHTED mean for cross_entropy/nll_loss with class
//         weights: sum of w[target] * loss / sum of w[target], ignored targets
//         excluded from both sums)
#pragma once

#include "tensor/ops.hpp"

namespace kindling::nn {

enum class Reduction { None, Mean, Sum };

// The plain (unweighted) reduction of a tensor of per-element losses; differentiable.
inline Tensor reduce_losses(const Tensor& losses, Reduction reduction) {
    switch (reduction) {
    case Reduction::None: return losses;
    case Reduction::Sum: return sum(losses);
    case Reduction::Mean: return mean(losses);
    }
    return losses;
}

} // namespace kindling::nn
