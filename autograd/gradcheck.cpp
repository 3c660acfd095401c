#include "autograd/gradcheck.hpp"

#include <cmath>
#include <exception>
#include <sstream>

#include "autograd/grad_mode.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"

namespace kindling::autograd {

namespace {

// The element of `tensor` at row-major position `linear`, as a reference, so
// it can be nudged in place whatever the tensor's strides.
double& element_at(Tensor& tensor, std::int64_t linear) {
    std::int64_t offset = 0;
    for (std::int64_t d = tensor.dim() - 1; d >= 0; --d) {
        offset += (linear % tensor.shape()[d]) * tensor.strides()[d];
        linear /= tensor.shape()[d];
    }
    return tensor.data<double>()[offset];
}

std::string index_string(const Shape& shape, std::int64_t linear) {
    Shape index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = linear % shape[d];
        linear /= shape[d];
    }
    return shape_to_string(index);
}

// L = sum(f(x) * G): the scalar whose gradient we check.
double weighted_output(const DifferentiableFunction& function, const std::vector<Tensor>& inputs,
                       const Tensor& upstream) {
    NoGradGuard no_grad;
    return sum(mul(function(inputs), upstream)).item();
}

} // namespace

GradcheckResult gradcheck(const DifferentiableFunction& function, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
    GradcheckResult result;
    auto fail = [&](const std::string& why) {
        result.passed = false;
        result.message = "gradcheck of '" + options.name + "' failed: " + why;
        return result;
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].requires_grad() && inputs[i].dtype() != DType::Float64) {
            return fail("input " + std::to_string(i) + " has dtype " + dtype_name(inputs[i].dtype()) +
                        "; finite differences need float64 inputs");
        }
    }

    // Analytic gradients from one backward pass with a random upstream G.
    Generator generator(options.seed);
    std::vector<Tensor> saved_grads;
    for (const Tensor& input : inputs) saved_grads.push_back(input.grad());
    for (Tensor input : inputs) input.zero_grad();
    Tensor output, upstream;
    std::vector<Tensor> analytic;
    try {
        GradModeGuard record_gradients(true);
        output = function(inputs);
        upstream = randn(output.shape(), generator, output.dtype());
        if (output.requires_grad()) output.backward(upstream);
    } catch (const std::exception& error) {
        for (std::size_t i = 0; i < inputs.size(); ++i) Tensor(inputs[i]).set_grad(saved_grads[i]);
        return fail(std::string("forward or backward threw: ") + error.what());
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        analytic.push_back(inputs[i].grad());
        Tensor(inputs[i]).set_grad(saved_grads[i]);
    }
    if (!output.requires_grad()) return fail("the output does not require grad: no input reaches it");

    result.largest_analytic_per_input.assign(inputs.size(), 0.0);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i].requires_grad()) continue;
        Tensor input = inputs[i];
        const std::int64_t count = input.numel();
        std::vector<std::int64_t> positions;
        if (options.max_elements_per_input < 0 || count <= options.max_elements_per_input) {
            for (std::int64_t e = 0; e < count; ++e) positions.push_back(e);
        } else {
            for (std::int64_t k = 0; k < options.max_elements_per_input; ++k) {
                positions.push_back(generator.integer(0, count));
            }
        }
        const std::vector<double> analytic_values =
            analytic[i].defined() ? analytic[i].to_vector<double>() : std::vector<double>(count, 0.0);
        bool analytic_all_zero = true, numeric_all_zero = true;
        double largest_numeric = 0.0;
        for (std::int64_t e : positions) {
            double& value = element_at(input, e);
            const double original = value;
            value = original + options.epsilon;
            const double plus = weighted_output(function, inputs, upstream);
            value = original - options.epsilon;
            const double minus = weighted_output(function, inputs, upstream);
            value = original;

            const double numeric = (plus - minus) / (2.0 * options.epsilon);
            const double analytic_value = analytic_values[static_cast<std::size_t>(e)];
            const double error = std::fabs(numeric - analytic_value);
            result.max_absolute_error = std::max(result.max_absolute_error, error);
            result.largest_analytic = std::max(result.largest_analytic, std::fabs(analytic_value));
            result.largest_analytic_per_input[i] = std::max(result.largest_analytic_per_input[i], std::fabs(analytic_value));
            ++result.elements_checked;
            if (analytic_value != 0.0) analytic_all_zero = false;
            // Rounding in L(x +- eps) alone makes a numeric derivative of about
            // 1e-16 |L| / eps; a thousand times that is a real signal.
            const double rounding_noise = 1e-16 * (std::fabs(plus) + std::fabs(minus)) / (2.0 * options.epsilon);
            if (std::fabs(numeric) > 1000.0 * rounding_noise + 1e-12) numeric_all_zero = false;
            largest_numeric = std::max(largest_numeric, std::fabs(numeric));
            if (!(error <= options.absolute_tolerance + options.relative_tolerance * std::fabs(numeric))) {
                std::ostringstream why;
                why.precision(10);
                why << "input " << i << " (shape " << shape_to_string(input.shape()) << "), element "
                    << index_string(input.shape(), e) << ": numeric " << numeric << " vs analytic " << analytic_value
                    << " (|difference| " << error << ")";
                return fail(why.str());
            }
        }
        // All-zero analytic gradients pass the comparison above whenever the
        // numeric ones are tiny; demand agreement on "is anything there at all".
        if (analytic_all_zero && !numeric_all_zero) {
            std::ostringstream why;
            why << "input " << i << ": the analytic gradient is all zero but the numeric one is not (largest |numeric| "
                << largest_numeric << ")";
            return fail(why.str());
        }
    }
    return result;
}

} // namespace kindling::autograd
