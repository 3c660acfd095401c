// Internal helper for the fused element-wise layers and losses of nn/: run a
// scalar function over every element of one, two or three same-shaped float
// tensors.
//
//   out = map_elements("gelu", x, [](auto v) { return ...; });
//   dx  = map_elements("gelu_backward", g, x, [](auto grad, auto v) { return ...; });
//
// The function is a generic lambda, called with float or double values. Inputs
// are detached and made contiguous first, so the loop is one flat pass the
// compiler vectorizes (split across the threads when it is long); the caller
// records the autograd Node itself.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "tensor/parallel.hpp"
#include "tensor/shape.hpp"
#include "tensor/tensor.hpp"

namespace kindling::nn::detail {

inline void check_same_layout(const char* op, const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape() || a.dtype() != b.dtype()) {
        throw std::invalid_argument(std::string(op) + ": expected tensors of one shape and dtype, got " +
                                    dtype_name(a.dtype()) + " " + shape_to_string(a.shape()) + " and " +
                                    dtype_name(b.dtype()) + " " + shape_to_string(b.shape()));
    }
}

template <typename Function> Tensor map_elements(const char* op, const Tensor& a, Function function) {
    const Tensor a_values = a.detach().contiguous();
    Tensor out = empty(a.shape(), a.dtype());
    visit_floating(a.dtype(), op, [&]<typename T>() {
        const T* x = a_values.data<T>();
        T* y = out.data<T>();
        const std::int64_t count = out.numel();
#pragma omp parallel for simd schedule(static) if (count >= min_parallel_elements)
        for (std::int64_t i = 0; i < count; ++i) y[i] = function(x[i]);
    });
    return out;
}

template <typename Function>
Tensor map_elements(const char* op, const Tensor& a, const Tensor& b, Function function) {
    check_same_layout(op, a, b);
    const Tensor a_values = a.detach().contiguous();
    const Tensor b_values = b.detach().contiguous();
    Tensor out = empty(a.shape(), a.dtype());
    visit_floating(a.dtype(), op, [&]<typename T>() {
        const T* x = a_values.data<T>();
        const T* z = b_values.data<T>();
        T* y = out.data<T>();
        const std::int64_t count = out.numel();
#pragma omp parallel for simd schedule(static) if (count >= min_parallel_elements)
        for (std::int64_t i = 0; i < count; ++i) y[i] = function(x[i], z[i]);
    });
    return out;
}

template <typename Function>
Tensor map_elements(const char* op, const Tensor& a, const Tensor& b, const Tensor& c, Function function) {
    check_same_layout(op, a, b);
    check_same_layout(op, a, c);
    const Tensor a_values = a.detach().contiguous();
    const Tensor b_values = b.detach().contiguous();
    const Tensor c_values = c.detach().contiguous();
    Tensor out = empty(a.shape(), a.dtype());
    visit_floating(a.dtype(), op, [&]<typename T>() {
        const T* x = a_values.data<T>();
        const T* z = b_values.data<T>();
        const T* w = c_values.data<T>();
        T* y = out.data<T>();
        const std::int64_t count = out.numel();
#pragma omp parallel for simd schedule(static) if (count >= min_parallel_elements)
        for (std::int64_t i = 0; i < count; ++i) y[i] = function(x[i], z[i], w[i]);
    });
    return out;
}

} // namespace kindling::nn::detail
