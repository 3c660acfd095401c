#include "nn/linear.hpp"

#include <stdexcept>

#include "nn/init.hpp"
#include "tensor/ops.hpp"

namespace kindling::nn {

namespace functional {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    if (weight.dim() != 2 || x.dim() < 1 || x.size(-1) != weight.size(1)) {
        throw std::invalid_argument("linear: input " + shape_to_string(x.shape()) + " does not match weight " +
                                    shape_to_string(weight.shape()) + " (expected input [..., " +
                                    (weight.dim() == 2 ? std::to_string(weight.size(1)) : std::string("in")) +
                                    "] and weight [out, in])");
    }
    // x: [..., in] -> rows: [batch, in] -> rows W^T: [batch, out] -> y: [..., out]
    const std::int64_t in_features = weight.size(1);
    Shape output_shape = x.shape();
    output_shape.back() = weight.size(0);
    const Tensor rows = x.reshape({-1, in_features});
    Tensor y = matmul(rows, weight.t());
    if (bias.defined()) y = add(y, bias); // bias [out] broadcasts over the rows
    return y.reshape(output_shape);
}

} // namespace functional

Linear::Linear(std::int64_t in_features, std::int64_t out_features, bool with_bias, Generator& generator)
    : in_features(in_features), out_features(out_features) {
    if (in_features < 0 || out_features < 0) {
        throw std::invalid_argument("Linear: feature counts must be non-negative, got in_features " +
                                    std::to_string(in_features) + " and out_features " + std::to_string(out_features));
    }
    weight = register_parameter("weight", empty({out_features, in_features}));
    if (with_bias) bias = register_parameter("bias", empty({out_features}));
    init::default_layer_init_(weight, bias, generator);
}

std::string Linear::extra_repr() const {
    return "in_features=" + std::to_string(in_features) + ", out_features=" + std::to_string(out_features) +
           ", bias=" + (bias.defined() ? "True" : "False");
}

} // namespace kindling::nn
