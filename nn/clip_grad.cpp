#include "nn/clip_grad.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "autograd/grad_mode.hpp"
#include "nn/optimizer.hpp"

namespace kindling::nn {

namespace {

// Calls function(T* data, count) on the contiguous gradient of every parameter
// that has one. A non-contiguous gradient (rare: backward produced a view) is
// made contiguous and stored back, so in-place changes reach the parameter.
template <typename Function> void for_each_grad(const std::vector<Tensor>& parameters, const char* op, Function function) {
    for (const Tensor& parameter : parameters) {
        Tensor grad = parameter.grad();
        if (!grad.defined()) continue;
        if (!grad.is_contiguous()) {
            grad = grad.contiguous();
            Tensor(parameter).set_grad(grad);
        }
        visit_floating(grad.dtype(), op, [&]<typename T>() { function(grad.data<T>(), grad.numel()); });
    }
}

// sum of x[i]^2 in double. One running sum would make every addition wait for
// the previous one; eight independent partial sums (lane = i % 8) let the
// compiler use vector lanes, and the fixed order keeps the result deterministic.
template <typename T> double sum_of_squares(const T* x, std::int64_t count) {
    constexpr std::int64_t lanes = 8;
    double partial[lanes] = {};
    std::int64_t i = 0;
    for (; i + lanes <= count; i += lanes) {
        for (std::int64_t lane = 0; lane < lanes; ++lane) {
            const double value = static_cast<double>(x[i + lane]);
            partial[lane] += value * value;
        }
    }
    for (; i < count; ++i) partial[0] += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    double total = 0.0;
    for (const double lane_sum : partial) total += lane_sum;
    return total;
}

} // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type) {
    if (!(max_norm >= 0.0) || !(norm_type >= 1.0)) {
        throw std::invalid_argument("clip_grad_norm_: need max_norm >= 0 and norm_type >= 1, got max_norm " +
                                    metadata_number(max_norm) + ", norm_type " + metadata_number(norm_type));
    }
    autograd::NoGradGuard no_grad;
    const bool infinity = std::isinf(norm_type);
    // Pass 1: the total norm, accumulated in double whatever the grads' dtype.
    //   p-norm: (sum |g|^p)^(1/p);   infinity norm: max |g|
    double accumulated = 0.0;
    for_each_grad(parameters, "clip_grad_norm_", [&]<typename T>(T* grad, std::int64_t count) {
        if (norm_type == 2.0) {
            accumulated += sum_of_squares(grad, count);
            return;
        }
        for (std::int64_t i = 0; i < count; ++i) {
            const double magnitude = std::abs(static_cast<double>(grad[i]));
            accumulated = infinity ? std::max(accumulated, magnitude) : accumulated + std::pow(magnitude, norm_type);
        }
    });
    const double total_norm = infinity ? accumulated : std::pow(accumulated, 1.0 / norm_type);

    // Pass 2: scale only when the norm is too large (scale < 1).
    const double scale = max_norm / (total_norm + 1e-6);
    if (scale < 1.0) {
        for_each_grad(parameters, "clip_grad_norm_", [&]<typename T>(T* grad, std::int64_t count) {
            const T factor = static_cast<T>(scale);
            for (std::int64_t i = 0; i < count; ++i) grad[i] *= factor;
        });
    }
    return total_norm;
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
    if (!(clip_value >= 0.0)) {
        throw std::invalid_argument("clip_grad_value_: clip_value must be >= 0, got " + metadata_number(clip_value));
    }
    autograd::NoGradGuard no_grad;
    for_each_grad(parameters, "clip_grad_value_", [&]<typename T>(T* grad, std::int64_t count) {
        const T limit = static_cast<T>(clip_value);
        for (std::int64_t i = 0; i < count; ++i) grad[i] = std::clamp(grad[i], -limit, limit);
    });
}

} // namespace kindling::nn
