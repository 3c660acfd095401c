// clip_grad_norm_ against torch.nn.utils.clip_grad_norm_ (committed fixture)
// and clip_grad_value_ by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "nn/clip_grad.hpp"
#include "optim_fixtures.hpp"

using namespace kindling;
using json = nlohmann::json;

namespace {

Tensor parameter_with_grad(const std::vector<double>& grad, DType dtype = DType::Float32) {
    Tensor parameter = zeros({static_cast<std::int64_t>(grad.size())}, dtype).requires_grad_();
    parameter.set_grad(from_vector(grad).to(dtype));
    return parameter;
}

} // namespace

TEST(ClipGradNorm, MatchesPyTorch) {
    const json fixture = read_optim_fixture("optim_parity.json");
    for (const auto& [max_norm, expected] : fixture["clip_grad_norm"].items()) {
        SCOPED_TRACE("max_norm " + max_norm);
        Tensor weight = zeros(fixture["shapes"]["weight"].get<Shape>()).requires_grad_();
        Tensor bias = zeros(fixture["shapes"]["bias"].get<Shape>()).requires_grad_();
        weight.set_grad(from_vector(fixture["grads"][0]["weight"].get<std::vector<float>>(), weight.shape()));
        bias.set_grad(from_vector(fixture["grads"][0]["bias"].get<std::vector<float>>(), bias.shape()));
        const double total_norm = nn::clip_grad_norm_({weight, bias}, std::stod(max_norm));
        EXPECT_NEAR(total_norm, expected["total_norm"].get<double>(), 1e-6 * total_norm);
        for (const auto& [name, parameter] : {std::pair{"weight", weight}, std::pair{"bias", bias}}) {
            const auto want = expected["grads"][name].get<std::vector<double>>();
            const auto got = parameter.grad().to_vector<double>();
            for (std::size_t i = 0; i < want.size(); ++i) {
                EXPECT_NEAR(got[i], want[i], 1e-6 * std::abs(want[i]) + 1e-9) << name << "[" << i << "]";
            }
        }
    }
}

// Gradients (3, 4) and (12): total 2-norm sqrt(9 + 16 + 144) = 13.
TEST(ClipGradNorm, ScalesAllGradientsTogetherByMaxNormOverNorm) {
    Tensor a = parameter_with_grad({3.0, 4.0}, DType::Float64);
    Tensor b = parameter_with_grad({12.0}, DType::Float64);
    EXPECT_DOUBLE_EQ(nn::clip_grad_norm_({a, b}, 6.5), 13.0);
    const double scale = 6.5 / (13.0 + 1e-6);
    EXPECT_DOUBLE_EQ(a.grad().at({0}), 3.0 * scale);
    EXPECT_DOUBLE_EQ(a.grad().at({1}), 4.0 * scale);
    EXPECT_DOUBLE_EQ(b.grad().at({0}), 12.0 * scale);
}

TEST(ClipGradNorm, LeavesSmallGradientsUntouched) {
    Tensor a = parameter_with_grad({0.3, -0.4});
    EXPECT_NEAR(nn::clip_grad_norm_({a}, 1.0), 0.5, 1e-7);
    EXPECT_EQ(a.grad().to_vector<float>(), (std::vector<float>{0.3f, -0.4f}));
}

TEST(ClipGradNorm, SkipsParametersWithoutGradAndSupportsOtherNorms) {
    Tensor a = parameter_with_grad({-3.0, 1.0});
    Tensor no_grad = zeros({2}).requires_grad_();
    EXPECT_DOUBLE_EQ(nn::clip_grad_norm_({a, no_grad}, 10.0, nn::infinity_norm), 3.0);
    EXPECT_DOUBLE_EQ(nn::clip_grad_norm_({a, no_grad}, 10.0, 1.0), 4.0);
    EXPECT_FALSE(no_grad.grad().defined());
    EXPECT_THROW(nn::clip_grad_norm_({a}, 1.0, 0.5), std::invalid_argument);
}

TEST(ClipGradValue, ClampsEachElement) {
    Tensor a = parameter_with_grad({-5.0, 0.25, 2.0});
    nn::clip_grad_value_({a}, 1.0);
    EXPECT_EQ(a.grad().to_vector<float>(), (std::vector<float>{-1.0f, 0.25f, 1.0f}));
    EXPECT_THROW(nn::clip_grad_value_({a}, -1.0), std::invalid_argument);
}
