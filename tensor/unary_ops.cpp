// Element-wise ops on one tensor. Each backward multiplies g = d(loss)/d(out)
// by the local derivative d(out)/d(x), element by element; shapes never change.
//
// Backward passes that training runs millions of times (relu, sigmoid, tanh,
// ...) compute g * d(out)/d(x) in one fused loop (map_binary) rather than as a
// chain of tensor ops, which would allocate a temporary per step.
#include <algorithm>
#include <cmath>

#include "autograd/node.hpp"
#include "tensor/elementwise_kernel.hpp"
#include "tensor/ops.hpp"

namespace kindling {

using autograd::record;
using detail::map_binary;
using detail::map_unary;

// out = -x;   dx = -g
Tensor neg(const Tensor& x) {
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() { return map_unary<T>(x, [](T v) { return -v; }); });
    return record("neg", out, {x}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
}

// out = e^x;   dx = g * e^x  (reuses the output)
Tensor exp(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "exp", [&]<typename T>() {
        return map_unary<T>(x, [](T v) { return std::exp(v); });
    });
    return record("exp", out, {x}, [result = out.detach()](const Tensor& g) { return std::vector<Tensor>{mul(g, result)}; });
}

// out = ln x;   dx = g / x
Tensor log(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "log", [&]<typename T>() {
        return map_unary<T>(x, [](T v) { return std::log(v); });
    });
    return record("log", out, {x}, [x](const Tensor& g) { return std::vector<Tensor>{div(g, x)}; });
}

// out = sqrt(x);   dx = g / (2 sqrt(x))
Tensor sqrt(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "sqrt", [&]<typename T>() {
        return map_unary<T>(x, [](T v) { return std::sqrt(v); });
    });
    return record("sqrt", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, result, "sqrt_backward", [](T grad, T y) { return grad / (T(2) * y); });
        })};
    });
}

// out = |x|;   dx = g * sign(x)  (0 at x = 0, like PyTorch)
Tensor abs(const Tensor& x) {
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() { return map_unary<T>(x, [](T v) { return v < 0 ? -v : v; }); });
    return record("abs", out, {x}, [input = x.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, input, "abs_backward",
                                 [](T grad, T v) { return v > 0 ? grad : v < 0 ? -grad : T(0); });
        })};
    });
}

// out = x^p;   dx = g * p * x^(p-1)
Tensor pow(const Tensor& x, double exponent) {
    Tensor out = visit_floating(x.dtype(), "pow", [&]<typename T>() {
        return map_unary<T>(x, [exponent](T v) { return static_cast<T>(std::pow(v, exponent)); });
    });
    return record("pow", out, {x}, [x, exponent](const Tensor& g) {
        // x^0 is constant: say 0 outright, as 0 * x^-1 would be NaN at x = 0.
        if (exponent == 0.0) return std::vector<Tensor>{zeros_like(g)};
        return std::vector<Tensor>{mul(g, mul(scalar_tensor(exponent, x.dtype()), pow(x, exponent - 1.0)))};
    });
}

// out = min(max(x, lo), hi);   dx = g where lo <= x <= hi, else 0
Tensor clamp(const Tensor& x, double min_value, double max_value) {
    if (min_value > max_value) {
        throw std::invalid_argument("clamp: min " + std::to_string(min_value) + " is greater than max " +
                                    std::to_string(max_value));
    }
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() {
        return map_unary<T>(x, [=](T v) { return std::clamp(v, static_cast<T>(min_value), static_cast<T>(max_value)); });
    });
    return record("clamp", out, {x}, [input = x.detach(), min_value, max_value](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, input, "clamp_backward",
                                 [=](T grad, T v) { return v >= min_value && v <= max_value ? grad : T(0); });
        })};
    });
}

// out = max(x, 0);   dx = g where x > 0, else 0
Tensor relu(const Tensor& x) {
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() { return map_unary<T>(x, [](T v) { return v > 0 ? v : T(0); }); });
    return record("relu", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, result, "relu_backward", [](T grad, T y) { return y > 0 ? grad : T(0); });
        })};
    });
}

// out = 1 / (1 + e^-x);   dx = g * out * (1 - out)
// Written in two branches so that e^-x never overflows for very negative x.
Tensor sigmoid(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "sigmoid", [&]<typename T>() {
        return map_unary<T>(x, [](T v) {
            if (v >= 0) return T(1) / (T(1) + std::exp(-v));
            const T e = std::exp(v);
            return e / (T(1) + e);
        });
    });
    return record("sigmoid", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, result, "sigmoid_backward", [](T grad, T y) { return grad * y * (T(1) - y); });
        })};
    });
}

// out = tanh x;   dx = g * (1 - out^2)
Tensor tanh(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "tanh", [&]<typename T>() {
        return map_unary<T>(x, [](T v) { return std::tanh(v); });
    });
    return record("tanh", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return map_binary<T>(g, result, "tanh_backward", [](T grad, T y) { return grad * (T(1) - y * y); });
        })};
    });
}

} // namespace kindling
