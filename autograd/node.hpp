// A Node is one recorded operation in the autograd graph.
//
// When an op runs on inputs that require grad, it creates a Node holding
//   - the inputs (so backward can reach them), and
//   - a closure that maps d(loss)/d(output) to d(loss)/d(each input).
// That closure is the op's backward pass, written right next to its forward.
//
//   x ──┐
//       ├─ mul ── y ── sum ── loss        loss.backward() walks right to left,
//   w ──┘                                 calling each Node's closure once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::autograd {

// Given the gradient flowing into the op's output, returns one gradient per
// input, each shaped like that input (an undefined Tensor means "no gradient").
using BackwardFunction = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
    std::string name;              // the op, e.g. "matmul"; shown in error messages
    std::vector<Tensor> inputs;    // the op's inputs, in order
    BackwardFunction backward;     // empty once the graph has been freed
};

// Called by an op after computing `output` from `inputs`: if gradients are
// being recorded and any input requires grad, attaches a Node so backward()
// can later call `backward_function`. Returns `output` for convenience.
Tensor& record(const char* name, Tensor& output, std::vector<Tensor> inputs, BackwardFunction backward_function);

// True when `record` would attach a Node for these inputs: lets an op skip
// saving tensors for backward when nobody will ask for gradients.
bool needs_grad(const std::vector<Tensor>& inputs);

// The engine behind Tensor::backward(): see autograd/engine.cpp.
void run_backward(const Tensor& root, const Tensor& root_gradient, bool retain_graph);

} // namespace kindling::autograd
