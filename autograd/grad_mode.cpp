#include "autograd/grad_mode.hpp"

namespace kindling::autograd {

// Per thread, as in PyTorch: a DataLoader worker turning recording off must not
// affect the training thread.
thread_local bool grad_enabled = true;

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }

} // namespace kindling::autograd
