#include "nn/dropout.hpp"

#include <sstream>
#include <stdexcept>

#include "tensor/ops.hpp"

namespace kindling::nn {

namespace {

void check_probability(double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
        throw std::invalid_argument("Dropout: probability p must be in [0, 1], got " + std::to_string(p));
    }
}

} // namespace

namespace functional {

Tensor dropout(const Tensor& x, double p, bool training, Generator& generator) {
    check_probability(p);
    if (!training || p == 0.0) return x;
    // p = 1 drops everything; 1 / (1 - p) would be infinite, so the mask is all zeros.
    const double keep_scale = p < 1.0 ? 1.0 / (1.0 - p) : 0.0;
    // mask: x's shape, each element 0 (dropped) or 1 / (1 - p) (kept).
    Tensor mask = empty(x.shape(), x.dtype());
    visit_floating(x.dtype(), "dropout", [&]<typename T>() {
        T* values = mask.data<T>();
        for (std::int64_t i = 0, count = mask.numel(); i < count; ++i) {
            values[i] = generator.uniform() >= p ? static_cast<T>(keep_scale) : T(0);
        }
    });
    return mul(x, mask);
}

} // namespace functional

Dropout::Dropout(double p, Generator& generator) : p(p), generator_(&generator) { check_probability(p); }

Tensor Dropout::forward(const Tensor& input) { return functional::dropout(input, p, is_training(), *generator_); }

std::string Dropout::extra_repr() const {
    std::ostringstream out;
    out << "p=" << p;
    return out.str();
}

} // namespace kindling::nn
