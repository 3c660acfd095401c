// Turning gradient recording off, like `with torch.no_grad():`.
//
//   {
//       autograd::NoGradGuard no_grad;   // recording off until the scope ends
//       weight.add_(weight.grad(), -learning_rate);
//   }
//
// Evaluation and optimizer steps run this way: no graph is built, so no memory
// is kept for a backward pass that never comes.
#pragma once

namespace kindling::autograd {

bool is_grad_enabled();
void set_grad_enabled(bool enabled);

class NoGradGuard {
public:
    NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
    ~NoGradGuard() { set_grad_enabled(previous_); }
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

} // namespace kindling::autograd

namespace kindling::autograd {

// Sets recording on or off for a scope, whatever it was before.
class GradModeGuard {
public:
    explicit GradModeGuard(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
    ~GradModeGuard() { set_grad_enabled(previous_); }
    GradModeGuard(const GradModeGuard&) = delete;
    GradModeGuard& operator=(const GradModeGuard&) = delete;

private:
    bool previous_;
};

} // namespace kindling::autograd
