// Element-wise ops on one tensor. Each backward multiplies g = d(loss)/d(out)
// by the local derivative d(out)/d(x), element by element; shapes never change.
#include <algorithm>
#include <cmath>

#include "autograd/node.hpp"
#include "tensor/elementwise_kernel.hpp"
#include "tensor/ops.hpp"

namespace kindling {

using autograd::record;
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
        return std::vector<Tensor>{div(g, mul(result, scalar_tensor(2.0, result.dtype())))};
    });
}

// out = |x|;   dx = g * sign(x)  (0 at x = 0, like PyTorch)
Tensor abs(const Tensor& x) {
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() { return map_unary<T>(x, [](T v) { return v < 0 ? -v : v; }); });
    return record("abs", out, {x}, [x](const Tensor& g) {
        const Tensor sign = visit_floating(x.dtype(), "abs", [&]<typename T>() {
            return map_unary<T>(x.detach(), [](T v) { return static_cast<T>((v > 0) - (v < 0)); });
        });
        return std::vector<Tensor>{mul(g, sign)};
    });
}

// out = x^p;   dx = g * p * x^(p-1)
Tensor pow(const Tensor& x, double exponent) {
    Tensor out = visit_floating(x.dtype(), "pow", [&]<typename T>() {
        return map_unary<T>(x, [exponent](T v) { return static_cast<T>(std::pow(v, exponent)); });
    });
    return record("pow", out, {x}, [x, exponent](const Tensor& g) {
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
    return record("clamp", out, {x}, [x, min_value, max_value](const Tensor& g) {
        const Tensor inside = visit_dtype(x.dtype(), [&]<typename T>() {
            return map_unary<T>(x.detach(), [=](T v) { return static_cast<T>(v >= min_value && v <= max_value); });
        });
        return std::vector<Tensor>{mul(g, inside)};
    });
}

// out = max(x, 0);   dx = g where x > 0, else 0
Tensor relu(const Tensor& x) {
    Tensor out = visit_dtype(x.dtype(), [&]<typename T>() { return map_unary<T>(x, [](T v) { return v > 0 ? v : T(0); }); });
    return record("relu", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{visit_dtype(g.dtype(), [&]<typename T>() {
            return detail::map_binary<T>(g, result, "relu_backward", [](T grad, T y) { return y > 0 ? grad : T(0); });
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
        return std::vector<Tensor>{mul(g, mul(result, sub(ones_like(result), result)))};
    });
}

// out = tanh x;   dx = g * (1 - out^2)
Tensor tanh(const Tensor& x) {
    Tensor out = visit_floating(x.dtype(), "tanh", [&]<typename T>() {
        return map_unary<T>(x, [](T v) { return std::tanh(v); });
    });
    return record("tanh", out, {x}, [result = out.detach()](const Tensor& g) {
        return std::vector<Tensor>{mul(g, sub(ones_like(result), mul(result, result)))};
    });
}

} // namespace kindling
