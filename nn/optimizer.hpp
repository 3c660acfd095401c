// Optimizer: the base of SGD, Adam and AdamW, like torch.optim.Optimizer.
//
// An optimizer holds handles to the parameters it trains (a Tensor is a shared
// handle, so updating "its" tensors updates the model's), a learning rate, and
// per-parameter state such as momentum buffers. A training step is
//
//   optimizer.zero_grad();     // forget last step's gradients
//   loss.backward();           // fill parameter.grad()
//   optimizer.step();          // parameter -= (something) * grad, in place
//
// step() runs under autograd::NoGradGuard: the update itself is not part of
// any graph. A parameter whose grad() is undefined (it took no part in the
// loss) is skipped entirely, state included, exactly like PyTorch.
//
// All parameters form one group with one learning rate (PyTorch's
// param_groups with a single entry). Schedulers (nn/lr_scheduler.hpp) move the
// learning rate through lr() / set_lr().
//
// Saving: state_dict() turns the state into named tensors
// ("state.<parameter index>.<buffer>", e.g. "state.0.momentum_buffer") plus
// text metadata (type, hyper-parameters, step counts), which
// nn/serialization.hpp writes to a safetensors file; load_state_dict() puts it
// back so training resumes bit for bit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nn/safetensors.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn {

// Everything needed to resume an optimizer.
struct OptimizerState {
    std::vector<std::pair<std::string, Tensor>> tensors; // "state.<index>.<buffer>" -> buffer
    Metadata metadata;                                   // "optimizer", "lr", hyper-parameters, ...
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;

    // One update of every parameter that has a gradient.
    virtual void step() = 0;
    // "SGD", "Adam", "AdamW": stored in checkpoints and checked on load.
    virtual std::string type_name() const = 0;

    // Drops every parameter's gradient (like zero_grad(set_to_none=True)).
    void zero_grad();

    double lr() const { return learning_rate_; }
    void set_lr(double learning_rate);
    // The learning rate a schedule starts from (PyTorch's group["initial_lr"]):
    // set by the first scheduler attached, so chained schedulers agree on it.
    bool has_initial_lr() const { return initial_learning_rate_.has_value(); }
    double initial_lr() const;
    void set_initial_lr(double learning_rate);

    const std::vector<Tensor>& parameters() const { return parameters_; }

    OptimizerState state_dict() const;
    // Checks the type, the parameter count and every state tensor's name, shape
    // and dtype first; changes nothing when any of them is wrong.
    void load_state_dict(const OptimizerState& state);

protected:
    Optimizer(std::vector<Tensor> parameters, double learning_rate, const std::string& type);

    // The per-parameter buffers this optimizer keeps ("momentum_buffer", ...).
    virtual std::vector<std::string> state_buffer_names() const = 0;
    // Adds hyper-parameters and state to `state` (tensors are copies).
    virtual void save_state(OptimizerState& state) const = 0;
    // Replaces hyper-parameters and state from an already validated `state`.
    virtual void restore_state(const OptimizerState& state) = 0;

    // The saved buffer "state.<index>.<name>" as a fresh copy, or an undefined
    // tensor when absent (a parameter that has not been stepped yet).
    Tensor saved_buffer(const OptimizerState& state, std::size_t index, const std::string& name) const;

    // The gradient of parameter `index` as a contiguous tensor (undefined when
    // there is none), after checking it matches the parameter.
    Tensor contiguous_grad(std::size_t index) const;

private:
    void validate(const OptimizerState& state) const;

    std::vector<Tensor> parameters_;
    double learning_rate_;
    std::optional<double> initial_learning_rate_;
};

// Numbers in metadata are text; %.17g round-trips every double exactly.
std::string metadata_number(double value);
// Reads metadata[key] as a number; throws naming `where` and the key when it
// is missing or not a number.
double metadata_to_number(const Metadata& metadata, const std::string& key, const std::string& where);

} // namespace kindling::nn
