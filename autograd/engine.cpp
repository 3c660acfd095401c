// The backward pass: a topological sort of the graph, then one reverse walk
// that calls each Node's backward closure exactly once (micrograd's algorithm,
// on tensors).
//
// Why a topological order rather than plain recursion: a tensor used twice
// (y = x * x, or a skip connection) must receive *all* its gradient
// contributions before its own backward runs; visiting nodes in reverse
// topological order guarantees that.
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/ops.hpp"

namespace kindling::autograd {

bool needs_grad(const std::vector<Tensor>& inputs) {
    if (!is_grad_enabled()) return false;
    for (const Tensor& input : inputs) {
        if (input.defined() && input.requires_grad()) return true;
    }
    return false;
}

Tensor& record(const char* name, Tensor& output, std::vector<Tensor> inputs, BackwardFunction backward_function) {
    if (!needs_grad(inputs)) return output;
    auto node = std::make_shared<Node>();
    node->name = name;
    node->inputs = std::move(inputs);
    node->backward = std::move(backward_function);
    output.impl().requires_grad = true;
    output.impl().grad_fn = std::move(node);
    return output;
}

namespace {

// Tensors reachable from `root` through grad_fn edges, every tensor after all
// the tensors it was computed from (inputs first, root last). Iterative DFS so
// that a long chain of ops cannot overflow the call stack.
std::vector<TensorImpl*> topological_order(TensorImpl* root) {
    std::vector<TensorImpl*> order;
    std::unordered_set<TensorImpl*> visited{root};
    std::vector<std::pair<TensorImpl*, std::size_t>> stack{{root, 0}};
    while (!stack.empty()) {
        auto& [tensor, next_input] = stack.back();
        const Node* node = tensor->grad_fn.get();
        if (node != nullptr && next_input < node->inputs.size()) {
            const Tensor& input = node->inputs[next_input++];
            if (input.defined() && input.requires_grad() && visited.insert(input.impl_ptr().get()).second) {
                stack.emplace_back(input.impl_ptr().get(), 0);
            }
        } else {
            order.push_back(tensor);
            stack.pop_back();
        }
    }
    return order;
}

// Leaves keep their gradient in .grad, summed over backward() calls (like
// PyTorch, so gradients of several losses add up until zero_grad()).
void accumulate_into_leaf(TensorImpl& leaf, const Tensor& gradient) {
    if (!leaf.grad) {
        leaf.grad = gradient.clone().impl_ptr(); // a private copy: later += must not touch others' data
    } else {
        Tensor(leaf.grad).add_(gradient);
    }
}

} // namespace

void run_backward(const Tensor& root, const Tensor& root_gradient, bool retain_graph) {
    NoGradGuard no_grad; // backward computes plain numbers; it records no new graph
    std::unordered_map<TensorImpl*, Tensor> gradients{{root.impl_ptr().get(), root_gradient}};
    const std::vector<TensorImpl*> order = topological_order(root.impl_ptr().get());

    for (auto position = order.rbegin(); position != order.rend(); ++position) {
        TensorImpl* tensor = *position;
        auto found = gradients.find(tensor);
        if (found == gradients.end()) continue; // nothing flowed here
        const Tensor gradient = std::move(found->second);
        gradients.erase(found);

        if (!tensor->grad_fn) {
            accumulate_into_leaf(*tensor, gradient);
            continue;
        }
        Node& node = *tensor->grad_fn;
        if (!node.backward) {
            throw std::runtime_error("backward: the graph through '" + node.name +
                                     "' has already been freed by an earlier backward(); pass retain_graph = true "
                                     "to the first backward() to go through the graph twice");
        }
        const std::vector<Tensor> input_gradients = node.backward(gradient);
        if (input_gradients.size() != node.inputs.size()) {
            throw std::logic_error("backward of '" + node.name + "' returned " +
                                   std::to_string(input_gradients.size()) + " gradients for " +
                                   std::to_string(node.inputs.size()) + " inputs");
        }
        for (std::size_t i = 0; i < node.inputs.size(); ++i) {
            const Tensor& input = node.inputs[i];
            const Tensor& input_gradient = input_gradients[i];
            if (!input.defined() || !input.requires_grad() || !input_gradient.defined()) continue;
            // A student's custom backward that returns the wrong shape is caught here, by name.
            if (input_gradient.shape() != input.shape()) {
                throw std::logic_error("backward of '" + node.name + "': gradient for input " + std::to_string(i) +
                                       " has shape " + shape_to_string(input_gradient.shape()) +
                                       " but the input has shape " + shape_to_string(input.shape()));
            }
            Tensor& slot = gradients[input.impl_ptr().get()];
            slot = slot.defined() ? add(slot, input_gradient) : input_gradient;
        }
        if (!retain_graph) {
            node.backward = nullptr; // frees the tensors the closure saved
        }
    }
}

} // namespace kindling::autograd

namespace kindling {

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
    if (!requires_grad()) {
        throw std::runtime_error("backward: this tensor does not require grad and has no grad_fn; "
                                 "call requires_grad_() on the inputs you want gradients for");
    }
    Tensor seed = gradient;
    if (!seed.defined()) {
        if (numel() != 1) {
            throw std::invalid_argument("backward: gradient can be implicit only for a one-element tensor, got shape " +
                                        shape_to_string(shape()) + "; pass a gradient of that shape");
        }
        seed = ones_like(*this);
    } else if (seed.shape() != shape() || seed.dtype() != dtype()) {
        throw std::invalid_argument(std::string("backward: gradient is ") + dtype_name(seed.dtype()) + " " +
                                    shape_to_string(seed.shape()) + " but the tensor is " + dtype_name(dtype()) + " " +
                                    shape_to_string(shape()));
    }
    autograd::run_backward(*this, seed.detach(), retain_graph);
}

} // namespace kindling
