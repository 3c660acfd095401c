#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/grad_mode.hpp"
#include "tensor/shape.hpp"

namespace kindling::nn::init {

double calculate_gain(Nonlinearity nonlinearity, double negative_slope) {
    switch (nonlinearity) {
    case Nonlinearity::Linear:
    case Nonlinearity::Conv:
    case Nonlinearity::Sigmoid: return 1.0;
    case Nonlinearity::Tanh: return 5.0 / 3.0;
    case Nonlinearity::ReLU: return std::sqrt(2.0);
    case Nonlinearity::LeakyReLU: return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope));
    case Nonlinearity::SELU: return 3.0 / 4.0;
    }
    throw std::invalid_argument("nn::init::calculate_gain: unknown nonlinearity");
}

std::pair<std::int64_t, std::int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
    if (tensor.dim() < 2) {
        throw std::invalid_argument("nn::init: fan in and fan out need a tensor with at least 2 dimensions, got shape " +
                                    shape_to_string(tensor.shape()));
    }
    // weight: [out, in, k1, k2, ...] -> receptive field = k1 * k2 * ...
    std::int64_t receptive_field = 1;
    for (std::int64_t d = 2; d < tensor.dim(); ++d) receptive_field *= tensor.size(d);
    return {tensor.size(1) * receptive_field, tensor.size(0) * receptive_field};
}

// The initialisers write into parameters, which require grad: in-place
// updates of those are only allowed with recording off.
Tensor& uniform_(Tensor& tensor, double low, double high, Generator& generator) {
    autograd::NoGradGuard no_grad;
    return kindling::uniform_(tensor, low, high, generator);
}

Tensor& normal_(Tensor& tensor, double mean, double std, Generator& generator) {
    autograd::NoGradGuard no_grad;
    return kindling::normal_(tensor, mean, std, generator);
}

Tensor& constant_(Tensor& tensor, double value) {
    autograd::NoGradGuard no_grad;
    return tensor.fill_(value);
}

Tensor& zeros_(Tensor& tensor) { return constant_(tensor, 0.0); }
Tensor& ones_(Tensor& tensor) { return constant_(tensor, 1.0); }

Tensor& xavier_uniform_(Tensor& tensor, double gain, Generator& generator) {
    const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
    const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
    const double bound = std::sqrt(3.0) * std;
    return init::uniform_(tensor, -bound, bound, generator);
}

Tensor& xavier_normal_(Tensor& tensor, double gain, Generator& generator) {
    const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
    const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
    return init::normal_(tensor, 0.0, std, generator);
}

namespace {

// gain / sqrt(fan): the standard deviation both kaiming variants aim for.
double kaiming_std(const Tensor& tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
    const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
    const std::int64_t fan = mode == FanMode::FanIn ? fan_in : fan_out;
    return calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
}

} // namespace

Tensor& kaiming_uniform_(Tensor& tensor, double a, FanMode mode, Nonlinearity nonlinearity, Generator& generator) {
    if (tensor.numel() == 0) return tensor; // nothing to draw, like PyTorch (which warns)
    const double bound = std::sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity);
    return init::uniform_(tensor, -bound, bound, generator);
}

Tensor& kaiming_normal_(Tensor& tensor, double a, FanMode mode, Nonlinearity nonlinearity, Generator& generator) {
    if (tensor.numel() == 0) return tensor;
    return init::normal_(tensor, 0.0, kaiming_std(tensor, a, mode, nonlinearity), generator);
}

// With a = sqrt(5) the leaky-ReLU gain is sqrt(2 / 6) = sqrt(1/3), so the
// weight bound is sqrt(3) * sqrt(1/3) / sqrt(fan_in) = 1 / sqrt(fan_in); the
// bias uses the same bound.
void default_layer_init_(Tensor weight, Tensor bias, Generator& generator) {
    kaiming_uniform_(weight, std::sqrt(5.0), FanMode::FanIn, Nonlinearity::LeakyReLU, generator);
    if (!bias.defined()) return;
    const std::int64_t fan_in = calculate_fan_in_and_fan_out(weight).first;
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound, generator);
}

} // namespace kindling::nn::init
