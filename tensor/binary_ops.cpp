// Element-wise ops on two tensors, with broadcasting.
//
// Shapes: a [..], b [..] broadcast to out [..]. In each backward closure g is
// d(loss)/d(out), shaped like out. Each input's
// gradient is computed at the broadcast shape and then summed back to the
// input's own shape with sum_to(): an element that was reused for many
// outputs collects all of their gradients.
#include <cmath>

#include "autograd/node.hpp"
#include "tensor/elementwise_kernel.hpp"
#include "tensor/ops.hpp"

namespace kindling {

using autograd::record;
using detail::map_binary;

namespace {

// Only compute a gradient that someone will use.
bool wants(const Tensor& input) { return input.requires_grad(); }

} // namespace

// out = a + b;   da = g, db = g
Tensor add(const Tensor& a, const Tensor& b) {
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "add", [](T x, T y) { return x + y; });
    });
    return record("add", out, {a, b}, [a, b](const Tensor& g) {
        return std::vector<Tensor>{wants(a) ? sum_to(g, a.shape()) : Tensor(),
                                   wants(b) ? sum_to(g, b.shape()) : Tensor()};
    });
}

// out = a - b;   da = g, db = -g
Tensor sub(const Tensor& a, const Tensor& b) {
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "sub", [](T x, T y) { return x - y; });
    });
    return record("sub", out, {a, b}, [a, b](const Tensor& g) {
        return std::vector<Tensor>{wants(a) ? sum_to(g, a.shape()) : Tensor(),
                                   wants(b) ? sum_to(neg(g), b.shape()) : Tensor()};
    });
}

// out = a * b;   da = g * b, db = g * a
Tensor mul(const Tensor& a, const Tensor& b) {
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "mul", [](T x, T y) { return x * y; });
    });
    return record("mul", out, {a, b}, [a, b](const Tensor& g) {
        return std::vector<Tensor>{wants(a) ? sum_to(mul(g, b), a.shape()) : Tensor(),
                                   wants(b) ? sum_to(mul(g, a), b.shape()) : Tensor()};
    });
}

// out = a / b;   da = g / b, db = -g * a / b^2
// Integer tensors divide as float32 (true division, like torch.div): 7 / 2 is 3.5,
// and 1 / 0 is inf rather than a crash.
Tensor div(const Tensor& a, const Tensor& b) {
    if (a.dtype() == DType::Int64 && b.dtype() == DType::Int64) return div(a.to(DType::Float32), b.to(DType::Float32));
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "div", [](T x, T y) { return x / y; });
    });
    return record("div", out, {a, b}, [a, b](const Tensor& g) {
        return std::vector<Tensor>{wants(a) ? sum_to(div(g, b), a.shape()) : Tensor(),
                                   wants(b) ? sum_to(neg(div(mul(g, a), mul(b, b))), b.shape()) : Tensor()};
    });
}

// out = base ^ exponent;   dbase = g * exponent * base^(exponent - 1),
//                          dexponent = g * out * log(base)
Tensor pow(const Tensor& base, const Tensor& exponent) {
    Tensor out = visit_floating(base.dtype(), "pow", [&]<typename T>() {
        return map_binary<T>(base, exponent, "pow", [](T x, T y) { return static_cast<T>(std::pow(x, y)); });
    });
    return record("pow", out, {base, exponent}, [base, exponent, out](const Tensor& g) {
        return std::vector<Tensor>{
            wants(base) ? sum_to(mul(g, mul(exponent, pow(base, sub(exponent, ones_like(exponent))))), base.shape())
                        : Tensor(),
            wants(exponent) ? sum_to(mul(g, mul(out.detach(), log(base))), exponent.shape()) : Tensor()};
    });
}

// out = max(a, b). The gradient goes to the larger input; on a tie it is split
// evenly, as PyTorch does, so the sum of both gradients is still g.
Tensor maximum(const Tensor& a, const Tensor& b) {
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "maximum", [](T x, T y) { return x > y ? x : y; });
    });
    return record("maximum", out, {a, b}, [a, b](const Tensor& g) {
        const Tensor share_a = add(gt(a, b), mul(eq(a, b), scalar_tensor(0.5, a.dtype())));
        const Tensor share_b = sub(ones_like(share_a), share_a);
        return std::vector<Tensor>{wants(a) ? sum_to(mul(g, share_a), a.shape()) : Tensor(),
                                   wants(b) ? sum_to(mul(g, share_b), b.shape()) : Tensor()};
    });
}

Tensor minimum(const Tensor& a, const Tensor& b) {
    Tensor out = visit_dtype(a.dtype(), [&]<typename T>() {
        return map_binary<T>(a, b, "minimum", [](T x, T y) { return x < y ? x : y; });
    });
    return record("minimum", out, {a, b}, [a, b](const Tensor& g) {
        const Tensor share_a = add(lt(a, b), mul(eq(a, b), scalar_tensor(0.5, a.dtype())));
        const Tensor share_b = sub(ones_like(share_a), share_a);
        return std::vector<Tensor>{wants(a) ? sum_to(mul(g, share_a), a.shape()) : Tensor(),
                                   wants(b) ? sum_to(mul(g, share_b), b.shape()) : Tensor()};
    });
}

// --- comparisons: 0/1 masks, constant almost everywhere, so no gradient -------

#define KINDLING_COMPARISON(name, expression)                                                          \
    Tensor name(const Tensor& a, const Tensor& b) {                                                    \
        return visit_dtype(a.dtype(), [&]<typename T>() {                                              \
            return map_binary<T>(a, b, #name, [](T x, T y) { return static_cast<T>(expression); });    \
        });                                                                                            \
    }
KINDLING_COMPARISON(eq, x == y)
KINDLING_COMPARISON(ne, x != y)
KINDLING_COMPARISON(lt, x < y)
KINDLING_COMPARISON(le, x <= y)
KINDLING_COMPARISON(gt, x > y)
KINDLING_COMPARISON(ge, x >= y)
#undef KINDLING_COMPARISON

// out = condition ? a : b, element-wise with broadcasting over all three.
// da = g where condition, db = g elsewhere.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
    detail::check_same_dtype(a, b, "where");
    const Shape shape = broadcast_shapes(broadcast_shapes(condition.shape(), a.shape(), "where"), b.shape(), "where");
    const Tensor mask = condition.to(a.dtype()).expand(shape).detach();
    Tensor out = empty(shape, a.dtype());
    visit_dtype(a.dtype(), [&]<typename T>() {
        const std::array<Shape, 3> layout{detail::broadcast_strides(mask, shape), detail::broadcast_strides(a, shape),
                                          detail::broadcast_strides(b, shape)};
        const T* chooser = mask.data<T>();
        const T* left = a.data<T>();
        const T* right = b.data<T>();
        T* output = out.data<T>();
        detail::for_each_offset<3>(shape, layout, [&](std::int64_t i, const auto& offsets) {
            output[i] = chooser[offsets[0]] != T(0) ? left[offsets[1]] : right[offsets[2]];
        });
    });
    return record("where", out, {a, b}, [a, b, mask](const Tensor& g) {
        const Tensor zero = zeros_like(g);
        return std::vector<Tensor>{wants(a) ? sum_to(where(mask, g, zero), a.shape()) : Tensor(),
                                   wants(b) ? sum_to(where(mask, zero, g), b.shape()) : Tensor()};
    });
}

// --- operators ------------------------------------------------------------------

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& a) { return neg(a); }
namespace {

// The dtype a scalar joins a tensor in: the tensor's, except that a fractional
// scalar lifts an int64 tensor to float32 (labels * 0.5 must not round to 0).
DType scalar_result_dtype(const Tensor& t, double scalar) {
    const bool fractional = scalar != std::trunc(scalar);
    return t.dtype() == DType::Int64 && fractional ? DType::Float32 : t.dtype();
}

} // namespace

Tensor operator+(const Tensor& a, double b) {
    const DType d = scalar_result_dtype(a, b);
    return add(a.to(d), scalar_tensor(b, d));
}
Tensor operator-(const Tensor& a, double b) {
    const DType d = scalar_result_dtype(a, b);
    return sub(a.to(d), scalar_tensor(b, d));
}
Tensor operator*(const Tensor& a, double b) {
    const DType d = scalar_result_dtype(a, b);
    return mul(a.to(d), scalar_tensor(b, d));
}
Tensor operator/(const Tensor& a, double b) {
    const DType d = scalar_result_dtype(a, b);
    return div(a.to(d), scalar_tensor(b, d));
}
Tensor operator+(double a, const Tensor& b) {
    const DType d = scalar_result_dtype(b, a);
    return add(scalar_tensor(a, d), b.to(d));
}
Tensor operator-(double a, const Tensor& b) {
    const DType d = scalar_result_dtype(b, a);
    return sub(scalar_tensor(a, d), b.to(d));
}
Tensor operator*(double a, const Tensor& b) {
    const DType d = scalar_result_dtype(b, a);
    return mul(scalar_tensor(a, d), b.to(d));
}
Tensor operator/(double a, const Tensor& b) {
    const DType d = scalar_result_dtype(b, a);
    return div(scalar_tensor(a, d), b.to(d));
}

} // namespace kindling
