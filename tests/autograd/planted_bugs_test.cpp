// gradcheck must be able to fail. Each test writes an op with a deliberately
// wrong backward (through autograd::record, as a student would write a custom
// op) and asserts gradcheck rejects it; the same op with the bug switched off
// passes, so the rejection is about the bug and nothing else.
#include <gtest/gtest.h>

#include "kindling.hpp"

using namespace kindling;

namespace {

Tensor input(const Shape& shape, std::uint64_t seed) {
    Generator generator(seed);
    return randn(shape, generator, DType::Float64).requires_grad_();
}

// The forward value of a custom op, computed without recording a graph.
Tensor untracked(const std::function<Tensor()>& compute) {
    autograd::NoGradGuard no_grad;
    return compute();
}

autograd::GradcheckResult check(const std::string& name, const autograd::DifferentiableFunction& function,
                                const std::vector<Tensor>& inputs) {
    autograd::GradcheckOptions options;
    options.name = name;
    return autograd::gradcheck(function, inputs, options);
}

// out = x^2 with d/dx = 2x * factor: factor 1.01 is a derivative off by 1%.
Tensor square(const Tensor& x, double factor) {
    Tensor out = untracked([&] { return x * x; });
    return autograd::record("square", out, {x}, [x, factor](const Tensor& g) {
        return std::vector<Tensor>{g * x * (2.0 * factor)};
    });
}

// out = a + b with b broadcast; the buggy backward takes the first row of g
// instead of summing over the broadcast dim (the right shape, wrong values).
Tensor add_row(const Tensor& a, const Tensor& b, bool forget_reduction) {
    Tensor out = untracked([&] { return a + b; });
    return autograd::record("add_row", out, {a, b}, [b, forget_reduction](const Tensor& g) {
        const Tensor grad_b = forget_reduction ? g.narrow(0, 0, 1).reshape(b.shape()) : sum_to(g, b.shape());
        return std::vector<Tensor>{g, grad_b};
    });
}

// out = x * x recorded with inputs {x, x}; the buggy backward returns only
// the first of the two contributions.
Tensor self_product(const Tensor& x, bool drop_second) {
    Tensor out = untracked([&] { return x * x; });
    return autograd::record("self_product", out, {x, x}, [x, drop_second](const Tensor& g) {
        return std::vector<Tensor>{g * x, drop_second ? Tensor() : g * x};
    });
}

// out = a @ b for square matrices; the buggy backward forgets to transpose b.
Tensor square_matmul(const Tensor& a, const Tensor& b, bool forget_transpose) {
    Tensor out = untracked([&] { return matmul(a, b); });
    return autograd::record("square_matmul", out, {a, b}, [a, b, forget_transpose](const Tensor& g) {
        return std::vector<Tensor>{matmul(g, forget_transpose ? b : b.t()), matmul(a.t(), g)};
    });
}

// out = sin-free cubic x^3; the buggy backward ignores the upstream g and
// returns the local derivative only (right with an all-ones upstream).
Tensor cube(const Tensor& x, bool ignore_upstream) {
    Tensor out = untracked([&] { return x * x * x; });
    return autograd::record("cube", out, {x}, [x, ignore_upstream](const Tensor& g) {
        const Tensor local = x * x * 3.0;
        return std::vector<Tensor>{ignore_upstream ? local : g * local};
    });
}

// out = 1e-7 x: a gradient so small that every element passes the
// tolerance test; the buggy backward returns zeros.
Tensor tiny_scale(const Tensor& x, bool zero_gradient) {
    Tensor out = untracked([&] { return x * 1e-7; });
    return autograd::record("tiny_scale", out, {x}, [zero_gradient](const Tensor& g) {
        return std::vector<Tensor>{zero_gradient ? zeros_like(g) : g * 1e-7};
    });
}

// out = x[:, 1::2]; the buggy backward puts the gradient one column off.
Tensor strided_columns(const Tensor& x, bool shift) {
    Tensor out = untracked([&] { return x.slice(1, 1, x.size(1), 2).contiguous(); });
    const Shape shape = x.shape();
    return autograd::record("strided_columns", out, {x}, [shape, shift](const Tensor& g) {
        Tensor grad = zeros(shape, g.dtype());
        grad.slice(1, shift ? 0 : 1, shape[1], 2).copy_(g);
        return std::vector<Tensor>{grad};
    });
}

// out = a + b; the buggy backward returns the gradient of b unreduced, with
// the broadcast shape: the engine's shape check catches it, and gradcheck
// reports that as a failure instead of throwing.
Tensor add_unreduced(const Tensor& a, const Tensor& b, bool unreduced) {
    Tensor out = untracked([&] { return a + b; });
    return autograd::record("add_unreduced", out, {a, b}, [b, unreduced](const Tensor& g) {
        return std::vector<Tensor>{g, unreduced ? g : sum_to(g, b.shape())};
    });
}

} // namespace

TEST(PlantedBug, DerivativeOffByOnePercent) {
    const Tensor x = input({3, 4}, 1);
    EXPECT_TRUE(check("square", [](const auto& in) { return square(in[0], 1.0); }, {x}).passed);
    const auto result = check("square", [](const auto& in) { return square(in[0], 1.01); }, {x});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("gradcheck of 'square' failed: input 0 (shape [3, 4]), element [0, 0]: numeric"),
              std::string::npos)
        << result.message;
    EXPECT_NE(result.message.find("vs analytic"), std::string::npos) << result.message;
}

TEST(PlantedBug, MissingBroadcastReduction) {
    const Tensor a = input({3, 4}, 2), b = input({1, 4}, 3);
    EXPECT_TRUE(check("add_row", [](const auto& in) { return add_row(in[0], in[1], false); }, {a, b}).passed);
    const auto result = check("add_row", [](const auto& in) { return add_row(in[0], in[1], true); }, {a, b});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("input 1"), std::string::npos) << result.message; // a's gradient is right
}

TEST(PlantedBug, UnreducedBroadcastGradientIsReportedNotThrown) {
    const Tensor a = input({3, 4}, 4), b = input({4}, 5);
    EXPECT_TRUE(check("add_unreduced", [](const auto& in) { return add_unreduced(in[0], in[1], false); }, {a, b}).passed);
    const auto result = check("add_unreduced", [](const auto& in) { return add_unreduced(in[0], in[1], true); }, {a, b});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("gradient for input 1 has shape [3, 4] but the input has shape [4]"), std::string::npos)
        << result.message;
}

TEST(PlantedBug, DroppedContributionOfReusedInput) {
    const Tensor x = input({5}, 6);
    EXPECT_TRUE(check("self_product", [](const auto& in) { return self_product(in[0], false); }, {x}).passed);
    const auto result = check("self_product", [](const auto& in) { return self_product(in[0], true); }, {x});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("input 0"), std::string::npos) << result.message;
}

TEST(PlantedBug, MissingTransposeInMatmulBackward) {
    const Tensor a = input({3, 3}, 7), b = input({3, 3}, 8);
    EXPECT_TRUE(check("square_matmul", [](const auto& in) { return square_matmul(in[0], in[1], false); }, {a, b}).passed);
    EXPECT_FALSE(check("square_matmul", [](const auto& in) { return square_matmul(in[0], in[1], true); }, {a, b}).passed);
}

TEST(PlantedBug, IgnoredUpstreamGradientNeedsARandomUpstream) {
    const Tensor x = input({4}, 9);
    EXPECT_TRUE(check("cube", [](const auto& in) { return cube(in[0], false); }, {x}).passed);
    EXPECT_FALSE(check("cube", [](const auto& in) { return cube(in[0], true); }, {x}).passed);
}

TEST(PlantedBug, AllZeroAnalyticGradientFailsEvenWhenTiny) {
    const Tensor x = input({6}, 10);
    EXPECT_TRUE(check("tiny_scale", [](const auto& in) { return tiny_scale(in[0], false); }, {x}).passed);
    const auto result = check("tiny_scale", [](const auto& in) { return tiny_scale(in[0], true); }, {x});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("the analytic gradient is all zero but the numeric one is not"), std::string::npos)
        << result.message;
}

TEST(PlantedBug, GradientRoutedToTheWrongView) {
    const Tensor x = input({2, 6}, 11);
    EXPECT_TRUE(check("strided_columns", [](const auto& in) { return strided_columns(in[0], false); }, {x}).passed);
    const auto result = check("strided_columns", [](const auto& in) { return strided_columns(in[0], true); }, {x});
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("element [0, 0]"), std::string::npos) << result.message;
}

TEST(Gradcheck, RejectsFloat32InputsAndDisconnectedOutputs) {
    Tensor single = ones({2}).requires_grad_();
    const auto float32 = autograd::gradcheck([](const auto& in) { return in[0] * in[0]; }, {single});
    EXPECT_FALSE(float32.passed);
    EXPECT_NE(float32.message.find("float64"), std::string::npos) << float32.message;
    const Tensor x = input({2}, 12);
    const auto disconnected = autograd::gradcheck([](const auto& in) { return in[0].detach() * 2.0; }, {x});
    EXPECT_FALSE(disconnected.passed);
    EXPECT_NE(disconnected.message.find("does not require grad"), std::string::npos) << disconnected.message;
}

TEST(Gradcheck, SamplesLargeInputsAndRestoresThem) {
    const Tensor x = input({40, 50}, 13);
    const std::vector<double> before = x.to_vector<double>();
    autograd::GradcheckOptions options;
    options.max_elements_per_input = 25;
    const auto result = autograd::gradcheck([](const auto& in) { return tanh(in[0]); }, {x}, options);
    EXPECT_TRUE(result.passed) << result.message;
    EXPECT_EQ(result.elements_checked, 25);
    EXPECT_EQ(x.to_vector<double>(), before); // nudged in place, put back exactly
    EXPECT_FALSE(x.grad().defined());         // and the caller's .grad untouched
}
