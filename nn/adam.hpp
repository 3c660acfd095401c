// Adam and AdamW, like torch.optim.Adam and torch.optim.AdamW.
//
// Adam keeps two running averages per parameter: m (of the gradient) and v (of
// its square), and steps by m / sqrt(v): each weight gets its own step size,
// large where gradients are small and steady, small where they are noisy.
// At step t (counted per parameter, from 1), with gradient g:
//
//   g     <- g + weight_decay * p              (Adam only: L2 penalty through the gradient)
//   p     <- p - lr * weight_decay * p         (AdamW only: decoupled decay, before the update)
//   m     <- beta1 * m + (1 - beta1) * g
//   v     <- beta2 * v + (1 - beta2) * g^2
//   v_max <- max(v_max, v)                     (amsgrad only; then v_max replaces v below)
//   p     <- p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//
// m and v start at 0, so early averages are biased toward 0; dividing by
// (1 - beta^t) corrects that. eps is added after the bias-corrected square
// root, exactly where PyTorch adds it.
//
// Why AdamW: with Adam, an L2 penalty goes through m / sqrt(v), so weights
// with large gradients are barely decayed. AdamW shrinks every weight by the
// same factor (1 - lr * weight_decay), which regularises as intended.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/optimizer.hpp"

namespace kindling::nn {

struct AdamOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool amsgrad = false;
};

class Adam : public Optimizer {
public:
    // Adam adam(model.parameters(), {.lr = 1e-3});
    Adam(std::vector<Tensor> parameters, AdamOptions options);

    void step() override;
    std::string type_name() const override { return decoupled_weight_decay_ ? "AdamW" : "Adam"; }

protected:
    Adam(std::vector<Tensor> parameters, AdamOptions options, bool decoupled_weight_decay);

    std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }
    void save_state(OptimizerState& state) const override;
    void restore_state(const OptimizerState& state) override;

private:
    struct ParameterState {
        std::int64_t step = 0; // updates this parameter has received
        Tensor exp_avg;        // m
        Tensor exp_avg_sq;     // v
        Tensor max_exp_avg_sq; // v_max, amsgrad only
    };

    AdamOptions options_; // options_.lr is only the starting value: lr() is current
    bool decoupled_weight_decay_;
    std::vector<ParameterState> states_;
};

// AdamW = Adam with decoupled weight decay; PyTorch's default decay is 1e-2.
struct AdamWOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    bool amsgrad = false;
};

class AdamW : public Adam {
public:
    AdamW(std::vector<Tensor> parameters, AdamWOptions options);
};

} // namespace kindling::nn
