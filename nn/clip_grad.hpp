// Gradient clipping, like torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
//
// One unlucky batch can produce a huge gradient that throws the weights far
// away (common in RNNs and at the start of training). Clipping bounds the
// step without changing its direction:
//
//   total_norm = || (g_1, g_2, ..., g_n) ||   over every element of every grad
//   if total_norm > max_norm:  g_i <- g_i * max_norm / (total_norm + 1e-6)
//
// Call it between loss.backward() and optimizer.step(). Parameters without a
// gradient are ignored.
#pragma once

#include <limits>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::nn {

// Scales all gradients together so their total norm is at most max_norm and
// returns the total norm *before* clipping (handy to log). norm_type 2 is the
// Euclidean norm; infinity means the largest |g|; any p >= 1 works.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0);

inline constexpr double infinity_norm = std::numeric_limits<double>::infinity();

// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

} // namespace kindling::nn
