#include "nn/batchnorm.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "tensor/parallel.hpp"
#include "tensor/shape.hpp"

namespace kindling::nn {

namespace functional {

namespace {

// x seen as [batch, channels, spatial]: [N, C] -> spatial 1, [N, C, H, W] -> spatial H*W.
// Element (n, c, s) sits at (n * channels + c) * spatial + s.
struct ChannelLayout {
    std::int64_t batch = 0;
    std::int64_t channels = 0;
    std::int64_t spatial = 1;
    std::int64_t values_per_channel() const { return batch * spatial; }
};

// Calls visit(offset) for every element of channel c.
template <typename Visit> void for_each_in_channel(const ChannelLayout& layout, std::int64_t c, Visit visit) {
    for (std::int64_t n = 0; n < layout.batch; ++n) {
        const std::int64_t start = (n * layout.channels + c) * layout.spatial;
        for (std::int64_t s = 0; s < layout.spatial; ++s) visit(start + s);
    }
}

void check_per_channel(const Tensor& tensor, const char* name, const Tensor& x) {
    if (!tensor.defined()) return;
    if (tensor.dim() != 1 || tensor.size(0) != x.size(1) || tensor.dtype() != x.dtype()) {
        throw std::invalid_argument(std::string("batch_norm: ") + name + " must be " + dtype_name(x.dtype()) + " [" +
                                    std::to_string(x.size(1)) + "] for input " + shape_to_string(x.shape()) +
                                    ", got " + dtype_name(tensor.dtype()) + " " + shape_to_string(tensor.shape()));
    }
}

} // namespace

Tensor batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double momentum, double eps) {
    if (x.dim() < 2) {
        throw std::invalid_argument("batch_norm: expected input [N, C, ...], got shape " + shape_to_string(x.shape()));
    }
    check_per_channel(weight, "weight", x);
    check_per_channel(bias, "bias", x);
    check_per_channel(running_mean, "running_mean", x);
    check_per_channel(running_var, "running_var", x);
    if (running_mean.defined() != running_var.defined()) {
        throw std::invalid_argument("batch_norm: running_mean and running_var must both be given or both be absent");
    }
    if (!training && !running_mean.defined()) {
        throw std::invalid_argument("batch_norm: evaluation mode needs running_mean and running_var");
    }
    const ChannelLayout layout{x.size(0), x.size(1), x.numel() / std::max<std::int64_t>(x.size(0) * x.size(1), 1)};
    const std::int64_t count = layout.values_per_channel();
    if (training && count <= 1) {
        throw std::invalid_argument("batch_norm: expected more than 1 value per channel when training, got input shape " +
                                    shape_to_string(x.shape()));
    }

    // Forward. mean and inverse_std [C] are saved for the backward pass.
    const Tensor input = x.detach().contiguous();
    Tensor out = empty(x.shape(), x.dtype());
    Tensor mean = empty({layout.channels}, x.dtype());
    Tensor inverse_std = empty({layout.channels}, x.dtype());
    visit_floating(x.dtype(), "batch_norm", [&]<typename T>() {
        const T* in = input.data<T>();
        T* y = out.data<T>();
        T* mean_of = mean.data<T>();
        T* inverse_std_of = inverse_std.data<T>();
        const T* scale_of = weight.defined() ? weight.data<T>() : nullptr;
        const T* shift_of = bias.defined() ? bias.data<T>() : nullptr;
        T* running_mean_of = running_mean.defined() ? running_mean.data<T>() : nullptr;
        T* running_var_of = running_var.defined() ? running_var.data<T>() : nullptr;
        // Channels are independent, so they are the parallel loop.
#pragma omp parallel for schedule(static) if (x.numel() >= min_parallel_elements)
        for (std::int64_t c = 0; c < layout.channels; ++c) {
            double channel_mean;
            double channel_var;
            if (training) {
                // Two passes (mean, then squared deviations): no cancellation, unlike E[x^2] - E[x]^2.
                double total = 0;
                for_each_in_channel(layout, c, [&](std::int64_t at) { total += in[at]; });
                channel_mean = total / static_cast<double>(count);
                double squares = 0;
                for_each_in_channel(layout, c, [&](std::int64_t at) {
                    const double deviation = in[at] - channel_mean;
                    squares += deviation * deviation;
                });
                channel_var = squares / static_cast<double>(count);
                if (running_mean_of != nullptr) {
                    const double unbiased_var = squares / static_cast<double>(count - 1);
                    running_mean_of[c] = static_cast<T>((1 - momentum) * running_mean_of[c] + momentum * channel_mean);
                    running_var_of[c] = static_cast<T>((1 - momentum) * running_var_of[c] + momentum * unbiased_var);
                }
            } else {
                channel_mean = running_mean_of[c];
                channel_var = running_var_of[c];
            }
            const T inverse = static_cast<T>(1.0 / std::sqrt(channel_var + eps));
            const T centre = static_cast<T>(channel_mean);
            const T scale = scale_of != nullptr ? scale_of[c] : T(1);
            const T shift = shift_of != nullptr ? shift_of[c] : T(0);
            mean_of[c] = centre;
            inverse_std_of[c] = inverse;
            for_each_in_channel(layout, c, [&](std::int64_t at) { y[at] = (in[at] - centre) * inverse * scale + shift; });
        }
    });

    // Backward. In evaluation the statistics are constants, so dx = g * weight / sqrt(var + eps);
    // in training they depend on x, which adds the two sums of the formula in batchnorm.hpp.
    const Tensor saved_weight = weight.defined() ? weight.detach() : Tensor();
    return autograd::record(
        "batch_norm", out, {x, weight, bias},
        [input, mean, inverse_std, weight = saved_weight, layout, training, count](const Tensor& grad_output) {
            const Tensor g = grad_output.contiguous();
            Tensor dx = empty(input.shape(), input.dtype());
            Tensor dweight = weight.defined() ? empty({layout.channels}, input.dtype()) : Tensor();
            Tensor dbias = weight.defined() ? empty({layout.channels}, input.dtype()) : Tensor();
            visit_floating(input.dtype(), "batch_norm_backward", [&]<typename T>() {
                const T* in = input.data<T>();
                const T* grad = g.data<T>();
                const T* mean_of = mean.data<T>();
                const T* inverse_std_of = inverse_std.data<T>();
                const T* scale_of = weight.defined() ? weight.data<T>() : nullptr;
                T* dx_of = dx.data<T>();
                T* dweight_of = dweight.defined() ? dweight.data<T>() : nullptr;
                T* dbias_of = dbias.defined() ? dbias.data<T>() : nullptr;
#pragma omp parallel for schedule(static) if (input.numel() >= min_parallel_elements)
                for (std::int64_t c = 0; c < layout.channels; ++c) {
                    const T centre = mean_of[c];
                    const T inverse = inverse_std_of[c];
                    double grad_sum = 0;
                    double grad_dot_x_hat = 0;
                    for_each_in_channel(layout, c, [&](std::int64_t at) {
                        grad_sum += grad[at];
                        grad_dot_x_hat += grad[at] * (in[at] - centre) * inverse;
                    });
                    const T scale = scale_of != nullptr ? scale_of[c] : T(1);
                    if (training) {
                        const T mean_grad = static_cast<T>(grad_sum / static_cast<double>(count));
                        const T mean_grad_dot_x_hat = static_cast<T>(grad_dot_x_hat / static_cast<double>(count));
                        for_each_in_channel(layout, c, [&](std::int64_t at) {
                            const T x_hat = (in[at] - centre) * inverse;
                            dx_of[at] = scale * inverse * (grad[at] - mean_grad - x_hat * mean_grad_dot_x_hat);
                        });
                    } else {
                        for_each_in_channel(layout, c, [&](std::int64_t at) { dx_of[at] = grad[at] * scale * inverse; });
                    }
                    if (dweight_of != nullptr) dweight_of[c] = static_cast<T>(grad_dot_x_hat);
                    if (dbias_of != nullptr) dbias_of[c] = static_cast<T>(grad_sum);
                }
            });
            return std::vector<Tensor>{dx, dweight, dbias};
        });
}

} // namespace functional

BatchNorm::BatchNorm(std::int64_t num_features, double eps, std::optional<double> momentum, bool affine,
                     bool track_running_stats)
    : num_features(num_features), eps(eps), momentum(momentum), affine(affine),
      track_running_stats(track_running_stats) {
    if (num_features <= 0) {
        throw std::invalid_argument("BatchNorm: num_features must be positive, got " + std::to_string(num_features));
    }
    if (affine) {
        weight = register_parameter("weight", ones({num_features}));
        bias = register_parameter("bias", zeros({num_features}));
    }
    if (track_running_stats) {
        running_mean = register_buffer("running_mean", zeros({num_features}));
        running_var = register_buffer("running_var", ones({num_features}));
        num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, DType::Int64));
    }
}

Tensor BatchNorm::forward(const Tensor& input) {
    check_input_rank(input);
    if (input.size(1) != num_features) {
        throw std::invalid_argument(type_name() + ": expected " + std::to_string(num_features) +
                                    " channels (dim 1), got input shape " + shape_to_string(input.shape()));
    }
    const bool use_batch_statistics = is_training() || !track_running_stats;
    const bool update_statistics = is_training() && track_running_stats;
    // momentum = nullopt: the k-th batch gets weight 1/k, a cumulative average.
    const std::int64_t batches_seen = track_running_stats ? num_batches_tracked.data<std::int64_t>()[0] + 1 : 0;
    const double effective_momentum = momentum ? *momentum : 1.0 / static_cast<double>(std::max<std::int64_t>(batches_seen, 1));
    // Without tracking, running_mean/running_var are undefined: neither used nor updated.
    Tensor output = functional::batch_norm(input, running_mean, running_var, weight, bias, use_batch_statistics,
                                           effective_momentum, eps);
    // Counted only once the batch went through, so a rejected input changes nothing.
    if (update_statistics) num_batches_tracked.data<std::int64_t>()[0] = batches_seen;
    return output;
}

std::string BatchNorm::extra_repr() const {
    std::ostringstream out;
    out << num_features << ", eps=" << eps << ", momentum=";
    if (momentum) out << *momentum;
    else out << "None";
    out << ", affine=" << (affine ? "True" : "False")
        << ", track_running_stats=" << (track_running_stats ? "True" : "False");
    return out.str();
}

void BatchNorm1d::check_input_rank(const Tensor& input) const {
    if (input.dim() != 2 && input.dim() != 3) {
        throw std::invalid_argument("BatchNorm1d: expected input [N, C] or [N, C, L], got shape " +
                                    shape_to_string(input.shape()));
    }
}

void BatchNorm2d::check_input_rank(const Tensor& input) const {
    if (input.dim() != 4) {
        throw std::invalid_argument("BatchNorm2d: expected input [N, C, H, W], got shape " +
                                    shape_to_string(input.shape()));
    }
}

} // namespace kindling::nn
