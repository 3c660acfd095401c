#include "nn/activations.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "autograd/node.hpp"
#include "nn/pointwise_kernel.hpp"
#include "tensor/ops.hpp"

namespace kindling::nn {

using detail::map_elements;

namespace functional {

// out = x > 0 ? x : s x;   dx = g if x > 0 else s g
Tensor leaky_relu(const Tensor& x, double negative_slope) {
    Tensor out = map_elements("leaky_relu", x, [negative_slope](auto v) {
        return v > 0 ? v : static_cast<decltype(v)>(negative_slope) * v;
    });
    return autograd::record("leaky_relu", out, {x}, [x = x.detach(), negative_slope](const Tensor& g) {
        return std::vector<Tensor>{map_elements("leaky_relu_backward", g, x, [negative_slope](auto grad, auto v) {
            return v > 0 ? grad : static_cast<decltype(v)>(negative_slope) * grad;
        })};
    });
}

namespace {

constexpr double inverse_sqrt_2 = 0.70710678118654752440;              // 1 / sqrt(2)
constexpr double inverse_sqrt_2pi = 0.39894228040143267794;            // 1 / sqrt(2 pi)
constexpr double sqrt_2_over_pi = 0.79788456080286535588;              // sqrt(2 / pi)
constexpr double tanh_cubic_coefficient = 0.044715;

// Exact:  gelu(x) = x Phi(x),  Phi(x) = (1 + erf(x / sqrt 2)) / 2
//         gelu'(x) = Phi(x) + x phi(x),  phi(x) = e^(-x^2/2) / sqrt(2 pi)
template <typename T> T gelu_exact(T x) { return T(0.5) * x * (T(1) + std::erf(x * T(inverse_sqrt_2))); }
template <typename T> T gelu_exact_derivative(T x) {
    const T cdf = T(0.5) * (T(1) + std::erf(x * T(inverse_sqrt_2)));
    const T pdf = T(inverse_sqrt_2pi) * std::exp(T(-0.5) * x * x);
    return cdf + x * pdf;
}

// Tanh approximation:  gelu(x) ~ x (1 + tanh u) / 2,  u = sqrt(2/pi) (x + 0.044715 x^3)
//   gelu'(x) = (1 + tanh u) / 2 + x (1 - tanh^2 u) / 2 * du/dx,  du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2)
template <typename T> T gelu_tanh(T x) {
    const T u = T(sqrt_2_over_pi) * (x + T(tanh_cubic_coefficient) * x * x * x);
    return T(0.5) * x * (T(1) + std::tanh(u));
}
template <typename T> T gelu_tanh_derivative(T x) {
    const T u = T(sqrt_2_over_pi) * (x + T(tanh_cubic_coefficient) * x * x * x);
    const T t = std::tanh(u);
    const T du_dx = T(sqrt_2_over_pi) * (T(1) + T(3 * tanh_cubic_coefficient) * x * x);
    return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * du_dx;
}

} // namespace

// out = gelu(x);   dx = g * gelu'(x)
Tensor gelu(const Tensor& x, GeluApproximation approximate) {
    const bool exact = approximate == GeluApproximation::None;
    Tensor out = map_elements("gelu", x, [exact](auto v) { return exact ? gelu_exact(v) : gelu_tanh(v); });
    return autograd::record("gelu", out, {x}, [x = x.detach(), exact](const Tensor& g) {
        return std::vector<Tensor>{map_elements("gelu_backward", g, x, [exact](auto grad, auto v) {
            return grad * (exact ? gelu_exact_derivative(v) : gelu_tanh_derivative(v));
        })};
    });
}

} // namespace functional

Tensor ReLU::forward(const Tensor& input) { return relu(input); }

Tensor LeakyReLU::forward(const Tensor& input) { return functional::leaky_relu(input, negative_slope); }

std::string LeakyReLU::extra_repr() const {
    std::ostringstream out;
    out << "negative_slope=" << negative_slope;
    return out.str();
}

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }

Tensor Tanh::forward(const Tensor& input) { return tanh(input); }

Tensor GELU::forward(const Tensor& input) { return functional::gelu(input, approximate); }

std::string GELU::extra_repr() const {
    return approximate == functional::GeluApproximation::Tanh ? "approximate='tanh'" : "approximate='none'";
}

// A reshape: a view when the input is contiguous, its backward a reshape back.
Tensor Flatten::forward(const Tensor& input) { return input.flatten(start_dim, end_dim); }

std::string Flatten::extra_repr() const {
    return "start_dim=" + std::to_string(start_dim) + ", end_dim=" + std::to_string(end_dim);
}

} // namespace kindling::nn
