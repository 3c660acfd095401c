// SGD: stochastic gradient descent with momentum, like torch.optim.SGD.
//
// For every parameter p with gradient g, at step t (formulas as PyTorch):
//
//   g   <- g + weight_decay * p                      (L2 penalty, if weight_decay != 0)
//   b_1 <- g                                         (first step: the buffer is the gradient)
//   b_t <- momentum * b_{t-1} + (1 - dampening) * g  (later steps)
//   d   <- nesterov ? g + momentum * b_t : b_t       (d = g when momentum == 0)
//   p   <- p - lr * d
//
// Momentum averages recent gradients, so steps keep going in consistent
// directions and oscillations across a narrow valley cancel out. Nesterov
// looks one momentum step ahead, which often converges a little faster.
#pragma once

#include <vector>

#include "nn/optimizer.hpp"

namespace kindling::nn {

struct SGDOptions {
    double lr = 1e-3;
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false; // needs momentum > 0 and dampening == 0, as in PyTorch
};

class SGD : public Optimizer {
public:
    // SGD sgd(model.parameters(), {.lr = 0.1, .momentum = 0.9});
    SGD(std::vector<Tensor> parameters, SGDOptions options);

    void step() override;
    std::string type_name() const override { return "SGD"; }

protected:
    std::vector<std::string> state_buffer_names() const override { return {"momentum_buffer"}; }
    void save_state(OptimizerState& state) const override;
    void restore_state(const OptimizerState& state) override;

private:
    SGDOptions options_; // options_.lr is only the starting value: lr() is current
    // One per parameter; undefined until that parameter's first step.
    std::vector<Tensor> momentum_buffers_;
};

} // namespace kindling::nn
