// The backward engine: accumulation into leaves, reused tensors, freed graphs
// and retain_graph, detach, NoGradGuard and the errors a user can run into.
#include <gtest/gtest.h>

#include "kindling.hpp"

using namespace kindling;

namespace {

std::vector<double> values(const Tensor& t) { return t.to_vector<double>(); }

Tensor leaf(std::initializer_list<double> data) { return tensor(data, DType::Float64).requires_grad_(); }

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "(no exception)";
}

} // namespace

TEST(Autograd, ScalarBackwardFillsLeafGradients) {
    Tensor x = leaf({1.0, 2.0, 3.0});
    Tensor w = leaf({4.0, 5.0, 6.0});
    sum(x * w).backward();
    EXPECT_EQ(values(x.grad()), values(w));
    EXPECT_EQ(values(w.grad()), values(x));
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
    Tensor x = leaf({1.0, -2.0});
    sum(x * 3.0).backward();
    sum(x * x).backward();
    EXPECT_EQ(values(x.grad()), (std::vector<double>{3.0 + 2.0, 3.0 - 4.0}));
    x.zero_grad();
    EXPECT_FALSE(x.grad().defined());
    sum(x).backward();
    EXPECT_EQ(values(x.grad()), (std::vector<double>{1.0, 1.0}));
}

TEST(Autograd, ReusedTensorGetsEveryContribution) {
    Tensor x = leaf({3.0});
    (x * x).backward(); // x is both inputs of one node
    EXPECT_EQ(x.grad().item(), 6.0);

    Tensor y = leaf({2.0});
    const Tensor doubled = y * 2.0, tripled = y * 3.0; // a diamond: y feeds two paths that meet again
    (doubled * tripled + doubled).backward();         // d/dy (6 y^2 + 2 y) = 12 y + 2
    EXPECT_EQ(y.grad().item(), 26.0);
}

TEST(Autograd, ExplicitUpstreamGradientForNonScalars) {
    Tensor x = leaf({1.0, 2.0});
    Tensor y = x * x;
    EXPECT_NE(message_of([&] { y.backward(); }).find("one-element"), std::string::npos);
    y.backward(tensor({10.0, 100.0}, DType::Float64));
    EXPECT_EQ(values(x.grad()), (std::vector<double>{20.0, 400.0}));
    EXPECT_EQ(message_of([&] { (x * x).backward(ones({3}, DType::Float64)); }),
              "backward: gradient is float64 [3] but the tensor is float64 [2]");
    EXPECT_EQ(message_of([&] { (x * x).backward(ones({2}, DType::Float32)); }),
              "backward: gradient is float32 [2] but the tensor is float64 [2]");
}

TEST(Autograd, BackwardTwiceThroughFreedGraphThrows) {
    Tensor x = leaf({1.0, 2.0});
    Tensor loss = sum(exp(x));
    loss.backward();
    const std::string message = message_of([&] { loss.backward(); });
    EXPECT_NE(message.find("already been freed"), std::string::npos) << message;
    EXPECT_NE(message.find("retain_graph"), std::string::npos) << message;
}

TEST(Autograd, RetainGraphAllowsASecondBackwardThatAccumulates) {
    Tensor x = leaf({0.5, -1.0});
    Tensor loss = sum(exp(x) * x);
    loss.backward(Tensor(), true);
    const std::vector<double> once = values(x.grad());
    loss.backward();
    const std::vector<double> twice = values(x.grad());
    for (std::size_t i = 0; i < once.size(); ++i) EXPECT_DOUBLE_EQ(twice[i], 2.0 * once[i]);
    EXPECT_THROW(loss.backward(), std::runtime_error); // the second call did not retain it
}

TEST(Autograd, NonLeavesDoNotKeepGradients) {
    Tensor x = leaf({1.0});
    Tensor hidden = x * 2.0;
    EXPECT_FALSE(hidden.is_leaf());
    (hidden * hidden).backward();
    EXPECT_FALSE(hidden.grad().defined());
    EXPECT_EQ(x.grad().item(), 8.0 * 1.0);
    EXPECT_THROW(hidden.requires_grad_(false), std::invalid_argument);
}

TEST(Autograd, DetachCutsTheGraph) {
    Tensor x = leaf({2.0});
    Tensor y = x * x.detach(); // the detached factor is a constant
    y.backward();
    EXPECT_EQ(x.grad().item(), 2.0);
}

TEST(Autograd, NoGradGuardRecordsNothing) {
    Tensor x = leaf({1.0, 2.0});
    Tensor y;
    {
        autograd::NoGradGuard no_grad;
        EXPECT_FALSE(autograd::is_grad_enabled());
        y = x * 2.0;
        {
            autograd::GradModeGuard enabled(true);
            EXPECT_TRUE((x * 2.0).requires_grad());
        }
        EXPECT_FALSE(autograd::is_grad_enabled());
    }
    EXPECT_TRUE(autograd::is_grad_enabled());
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    EXPECT_THROW(y.backward(), std::runtime_error);
}

TEST(Autograd, InputsWithoutRequiresGradGetNothing) {
    Tensor x = leaf({1.0, 2.0});
    Tensor constant = tensor({3.0, 4.0}, DType::Float64);
    sum(x * constant).backward();
    EXPECT_FALSE(constant.grad().defined());
    EXPECT_FALSE((constant * constant).requires_grad());
}

TEST(Autograd, ConversionGradientReturnsInTheInputDtype) {
    Tensor x = leaf({1.5, 2.5});
    Tensor y = x.to(DType::Float32);
    EXPECT_EQ(y.dtype(), DType::Float32);
    sum(y * y).backward();
    EXPECT_EQ(x.grad().dtype(), DType::Float64);
    EXPECT_EQ(values(x.grad()), (std::vector<double>{3.0, 5.0}));
}

TEST(Autograd, WrongShapedCustomBackwardIsNamed) {
    Tensor x = leaf({1.0, 2.0});
    Tensor out = x.detach().clone();
    autograd::record("my_op", out, {x}, [](const Tensor&) { return std::vector<Tensor>{zeros({3}, DType::Float64)}; });
    EXPECT_EQ(message_of([&] { sum(out).backward(); }),
              "backward of 'my_op': gradient for input 0 has shape [3] but the input has shape [2]");
}

TEST(Autograd, LongChainsDoNotOverflowTheStack) {
    Tensor x = leaf({1.0});
    Tensor y = x;
    for (int i = 0; i < 3000; ++i) y = y * 1.0;
    y.backward();
    EXPECT_EQ(x.grad().item(), 1.0);
}

TEST(Autograd, GradientsThroughViewsLandInTheRightPlaces) {
    Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, DType::Float64).requires_grad_();
    Tensor picked = x.t().slice(0, 0, 3, 2).select(1, 1); // x[1][0] and x[1][2]
    EXPECT_EQ(values(picked), (std::vector<double>{4.0, 6.0}));
    picked.backward(tensor({10.0, 20.0}, DType::Float64));
    EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 0, 0, 10, 0, 20}));
}

TEST(Broadcast, GradReducesToInputShape) {
    Tensor bias = tensor({1.0, 2.0, 3.0}, DType::Float64).requires_grad_();  // [3]
    Tensor column = from_vector(std::vector<double>{1.0, 2.0}, {2, 1}).requires_grad_(); // [2, 1]
    Tensor out = bias * column; // [2, 3]
    out.backward(ones({2, 3}, DType::Float64));
    EXPECT_EQ(bias.grad().shape(), (Shape{3}));
    EXPECT_EQ(values(bias.grad()), (std::vector<double>{3.0, 3.0, 3.0}));
    EXPECT_EQ(column.grad().shape(), (Shape{2, 1}));
    EXPECT_EQ(values(column.grad()), (std::vector<double>{6.0, 6.0}));
}

TEST(Pow, ZeroExponentHasZeroGradientEvenAtZero) {
    Tensor x = leaf({0.0, 2.0});
    sum(pow(x, 0.0)).backward();
    EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 0.0})); // not NaN at x = 0
}
