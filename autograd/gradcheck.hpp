// gradcheck: compare the gradients backward() computes with finite differences,
// like torch.autograd.gradcheck. Point it at any op or layer you write.
//
//   auto result = autograd::gradcheck(
//       [](const std::vector<Tensor>& in) { return my_op(in[0], in[1]); },
//       {x, w});                        // float64 leaves with requires_grad
//   EXPECT_TRUE(result.passed) << result.message;
//
// How it works: with a random upstream gradient G (never all ones, which would
// hide mistakes such as a wrong transpose), the scalar L = sum(f(x) * G) has
//   analytic dL/dx   from one backward() call, and
//   numeric  dL/dx_e ~ (L(x + eps e) - L(x - eps e)) / (2 eps) per element e.
// They must agree within atol + rtol * |numeric| for every element checked.
// An analytic gradient that is all zero where the numeric one is not fails
// too, however small the numbers: "nothing flows here" is a bug of its own.
// A backward that throws (say, a gradient of the wrong shape) is a failure
// with the exception's message, not a crash of the caller.
//
// The inputs are perturbed in place and restored, so a function that reads a
// module's parameters can pass those parameters as inputs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::autograd {

struct GradcheckOptions {
    double epsilon = 1e-6;              // finite-difference step
    double absolute_tolerance = 1e-5;
    double relative_tolerance = 1e-3;
    std::int64_t max_elements_per_input = -1; // -1: every element; else a seeded random sample
    std::uint64_t seed = 0;             // for the upstream gradient and the sample
    std::string name = "function";      // shown in the failure message
};

struct GradcheckResult {
    bool passed = true;
    std::string message;                // why it failed: input, element, numeric vs analytic
    double max_absolute_error = 0.0;    // over all checked elements
    double largest_analytic = 0.0;      // max |analytic| checked: 0 means the check proved little
    std::vector<double> largest_analytic_per_input; // the same per input; 0 for inputs that need no gradient
    std::int64_t elements_checked = 0;
};

using DifferentiableFunction = std::function<Tensor(const std::vector<Tensor>&)>;

GradcheckResult gradcheck(const DifferentiableFunction& function, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

} // namespace kindling::autograd
