#include "nn/losses.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/node.hpp"
#include "nn/pointwise_kernel.hpp"
#include "tensor/shape.hpp"

namespace kindling::nn::functional {

using detail::map_elements;

namespace {

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
    if (input.shape() != target.shape() || input.dtype() != target.dtype()) {
        throw std::invalid_argument(std::string(op) + ": input " + dtype_name(input.dtype()) + " " +
                                    shape_to_string(input.shape()) + " and target " + dtype_name(target.dtype()) +
                                    " " + shape_to_string(target.shape()) + " must have the same shape and dtype");
    }
}

// `factor` (weight or pos_weight) checked and broadcast to the input's shape; ones when undefined.
Tensor broadcast_factor(const Tensor& factor, const Tensor& input, const char* name, const char* op) {
    if (!factor.defined()) return ones(input.shape(), input.dtype());
    if (factor.dtype() != input.dtype()) {
        throw std::invalid_argument(std::string(op) + ": " + name + " has dtype " + dtype_name(factor.dtype()) +
                                    " but the input has " + dtype_name(input.dtype()));
    }
    if (broadcast_shapes(factor.shape(), input.shape(), op) != input.shape()) {
        throw std::invalid_argument(std::string(op) + ": " + name + " " + shape_to_string(factor.shape()) +
                                    " does not broadcast to the input " + shape_to_string(input.shape()));
    }
    return factor.detach().expand(input.shape());
}

// softplus(z) = log(1 + e^z), computed without overflow: max(z, 0) + log1p(e^-|z|).
template <typename T> T softplus(T z) { return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z))); }
template <typename T> T sigmoid_of(T z) { return z >= 0 ? T(1) / (T(1) + std::exp(-z)) : std::exp(z) / (T(1) + std::exp(z)); }

// PyTorch clamps the logs of binary_cross_entropy at -100.
template <typename T> T clamped_log(T p) { return std::max(std::log(p), T(-100)); }

} // namespace

// loss = (x - y)^2;  the backward comes from sub and mul.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_same_shape(input, target, "mse_loss");
    const Tensor difference = sub(input, target);
    return reduce_losses(mul(difference, difference), reduction);
}

// loss = |x - y|;  d/dx = sign(x - y), 0 where x = y (as PyTorch).
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_same_shape(input, target, "l1_loss");
    return reduce_losses(abs(sub(input, target)), reduction);
}

// loss = -[y log p + (1 - y) log(1 - p)]   (then times weight)
//   dp = (p - y) / (p (1 - p))   (denominator kept >= 1e-12 like PyTorch)
//   dy = log(1 - p) - log p
Tensor binary_cross_entropy(const Tensor& probabilities, const Tensor& target, const BCEOptions& options) {
    check_same_shape(probabilities, target, "binary_cross_entropy");
    visit_floating(probabilities.dtype(), "binary_cross_entropy", [&]<typename T>() {
        const Tensor values = probabilities.detach().contiguous();
        const T* p = values.data<T>();
        for (std::int64_t i = 0; i < values.numel(); ++i) {
            if (!(p[i] >= T(0) && p[i] <= T(1))) {
                throw std::invalid_argument("binary_cross_entropy: input must be probabilities in [0, 1], got " +
                                            std::to_string(p[i]) + " at flat index " + std::to_string(i));
            }
        }
    });
    Tensor losses = map_elements("binary_cross_entropy", probabilities, target, [](auto p, auto y) {
        using T = decltype(p);
        return -(y * clamped_log(p) + (T(1) - y) * clamped_log(T(1) - p));
    });
    autograd::record("binary_cross_entropy", losses, {probabilities, target},
                     [p = probabilities.detach(), y = target.detach()](const Tensor& g) {
                         const Tensor dp = map_elements("binary_cross_entropy_backward", g, p, y, [](auto grad, auto p, auto y) {
                             using T = decltype(p);
                             return grad * (p - y) / std::max(p * (T(1) - p), T(1e-12));
                         });
                         const Tensor dy = map_elements("binary_cross_entropy_backward", g, p, [](auto grad, auto p) {
                             using T = decltype(p);
                             return grad * (clamped_log(T(1) - p) - clamped_log(p));
                         });
                         return std::vector<Tensor>{dp, dy};
                     });
    if (options.weight.defined()) {
        losses = mul(losses, broadcast_factor(options.weight, probabilities, "weight", "binary_cross_entropy"));
    }
    return reduce_losses(losses, options.reduction);
}

// loss = pw y softplus(-x) + (1 - y) softplus(x)   (then times weight)
//   dx = (1 - y) sigmoid(x) - pw y sigmoid(-x)
//   dy = pw softplus(-x) - softplus(x)
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const BCEWithLogitsOptions& options) {
    const char* op = "binary_cross_entropy_with_logits";
    check_same_shape(logits, target, op);
    const Tensor pos_weight = broadcast_factor(options.pos_weight, logits, "pos_weight", op);
    Tensor losses = map_elements(op, logits, target, pos_weight, [](auto x, auto y, auto pw) {
        using T = decltype(x);
        return pw * y * softplus(-x) + (T(1) - y) * softplus(x);
    });
    autograd::record(op, losses, {logits, target},
                     [x = logits.detach(), y = target.detach(), pos_weight](const Tensor& g) {
                         const Tensor dx_local = map_elements("binary_cross_entropy_with_logits_backward", x, y, pos_weight,
                                                              [](auto x, auto y, auto pw) {
                                                                  using T = decltype(x);
                                                                  return (T(1) - y) * sigmoid_of(x) - pw * y * sigmoid_of(-x);
                                                              });
                         const Tensor dy_local = map_elements("binary_cross_entropy_with_logits_backward", x, pos_weight,
                                                              [](auto x, auto pw) { return pw * softplus(-x) - softplus(x); });
                         return std::vector<Tensor>{mul(g, dx_local), mul(g, dy_local)};
                     });
    if (options.weight.defined()) losses = mul(losses, broadcast_factor(options.weight, logits, "weight", op));
    return reduce_losses(losses, options.reduction);
}

} // namespace kindling::nn::functional
