// Tutorial 6 — Write your own layer: PReLU, the coursework path.
//
//   1. the layer in one place: forward and backward side by side;
//   2. its gradcheck, which passes;
//   3. a planted bug in the backward, which gradcheck catches and explains;
//   4. the layer used in a model that trains.
//
// Walkthrough: docs/tutorials/06-write-your-own-layer.md; the reference page
// is docs/adding-a-layer.md. Run with --quick for fewer training steps.
#include <cstdio>
#include <cstring>

#include "kindling.hpp"

using namespace kindling;

// PReLU (He et al., 2015): a ReLU whose negative side has a learnt slope, one
// per channel.
//   x: [N, C, ...]   slope: [C]   y = x            where x > 0
//                                 y = slope_c * x  elsewhere
// Backward, with g = dL/dy shaped like y:
//   dL/dx       = g                where x > 0, else g * slope_c
//   dL/dslope_c = sum of g * x over every position of channel c where x <= 0
class PReLU : public nn::Module {
public:
    explicit PReLU(std::int64_t channels, double initial_slope = 0.25, bool planted_bug = false)
        : planted_bug_(planted_bug) {
        slope = register_parameter("slope", full({channels}, initial_slope));
    }

    Tensor forward(const Tensor& x) override {
        if (x.dim() < 2 || x.size(1) != slope.size(0)) {
            throw std::invalid_argument("PReLU: expected input [N, " + std::to_string(slope.size(0)) + ", ...], got " +
                                        shape_to_string(x.shape()));
        }
        // Shape the slope [C] as [1, C, 1, 1, ...] so it broadcasts over x.
        Shape broadcast_shape(static_cast<std::size_t>(x.dim()), 1);
        broadcast_shape[1] = slope.size(0);
        Tensor positive, y;
        {
            autograd::NoGradGuard no_grad; // we record one node for the whole layer below
            const Tensor channel_slope = slope.reshape(broadcast_shape);
            positive = gt(x, zeros_like(x)); // 1 where x > 0, else 0
            y = where(positive, x, x * channel_slope);
        }
        const bool bug = planted_bug_;
        return autograd::record("prelu", y, {x, slope},
                                [x = x.detach(), slope = slope.detach(), positive, broadcast_shape, bug](const Tensor& g) {
                                    const Tensor channel_slope = slope.reshape(broadcast_shape);
                                    const Tensor dx = where(positive, g, g * channel_slope);
                                    // dslope: g * x on the negative side, summed over every dim but the channel.
                                    Tensor per_element = where(positive, zeros_like(g), g * x);
                                    if (bug) per_element = where(positive, zeros_like(g), g); // forgot the factor x
                                    std::vector<std::int64_t> all_but_channel = {0};
                                    for (std::int64_t d = 2; d < x.dim(); ++d) all_but_channel.push_back(d);
                                    const Tensor dslope = sum(per_element, all_but_channel);
                                    return std::vector<Tensor>{dx, dslope};
                                });
    }

    std::string type_name() const override { return "PReLU"; }
    std::string extra_repr() const override { return std::to_string(slope.size(0)); }

    Tensor slope; // [C]

private:
    bool planted_bug_;
};

namespace {

autograd::GradcheckResult check_layer(PReLU& layer, const char* name) {
    layer.to(DType::Float64); // finite differences need float64
    Generator generator(3);
    Tensor x = randn({2, 3, 4, 4}, generator, DType::Float64).requires_grad_();
    autograd::GradcheckOptions options;
    options.name = name;
    // The slope is passed as an input too: gradcheck perturbs it in place.
    return autograd::gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x, layer.slope}, options);
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;

    std::printf("1-2. gradcheck of the correct PReLU\n");
    PReLU layer(3);
    const auto good = check_layer(layer, "prelu");
    std::printf("   %s (%lld elements, largest error %.2e)\n\n", good.passed ? "passed" : good.message.c_str(),
                static_cast<long long>(good.elements_checked), good.max_absolute_error);

    std::printf("3. gradcheck of a PReLU whose slope gradient forgot the factor x\n");
    PReLU buggy(3, 0.25, /*planted_bug=*/true);
    const auto bad = check_layer(buggy, "prelu_with_bug");
    std::printf("   %s\n   %s\n\n", bad.passed ? "passed (the bug went unnoticed!)" : "rejected", bad.message.c_str());

    std::printf("4. PReLU in a model: learn y = |x| - 1, a function with a kink at 0\n");
    Generator generator(0);
    nn::Sequential model(std::make_shared<nn::Linear>(1, 8, true, generator), std::make_shared<PReLU>(8),
                         std::make_shared<nn::Linear>(8, 1, true, generator));
    nn::Adam optimizer(model.parameters(), nn::AdamOptions{.lr = 0.02});
    const int steps = quick ? 20 : 400;
    double loss_value = 0.0;
    for (int step = 1; step <= steps; ++step) {
        const Tensor x = rand({64, 1}, generator) * 4.0 - 2.0; // U[-2, 2)
        const Tensor loss = nn::functional::mse_loss(model(x), abs(x) - 1.0);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        loss_value = loss.item();
        if (step % 100 == 0 || step == steps) std::printf("   step %3d  MSE %.5f\n", step, loss_value);
    }
    std::printf("   %s\n", model.to_string().c_str());
    std::printf("   learnt slopes: %s\n", model.at<PReLU>(1)->slope.to_string().c_str());
    return good.passed && !bad.passed ? 0 : 1;
}
