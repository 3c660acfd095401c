// Every differentiable op against finite differences: alone, with broadcast
// shapes, composed after another op, and backward twice with retain_graph.
//
// Each check is in float64 with a random upstream gradient (gradcheck's
// default) and also asserts the analytic gradient is not all zero, so no
// check can pass vacuously.
#include <gtest/gtest.h>

#include "kindling.hpp"

using namespace kindling;
using autograd::DifferentiableFunction;

namespace {

// A float64 leaf of normal numbers, seeded by a per-call counter so every
// input differs but every run is the same.
Tensor input(const Shape& shape) {
    static Generator generator(2024);
    return randn(shape, generator, DType::Float64).requires_grad_();
}

// Positive inputs away from 0, for log, sqrt, division and fractional powers.
Tensor positive_input(const Shape& shape) {
    static Generator generator(4048);
    return (rand(shape, generator, DType::Float64) + 0.5).detach().requires_grad_();
}

std::int64_t total_elements(const std::vector<Tensor>& inputs) {
    std::int64_t total = 0;
    for (const Tensor& t : inputs) total += t.requires_grad() ? t.numel() : 0;
    return total;
}

void expect_gradcheck(const std::string& name, const DifferentiableFunction& function,
                      const std::vector<Tensor>& inputs) {
    autograd::GradcheckOptions options;
    options.name = name;
    const autograd::GradcheckResult result = autograd::gradcheck(function, inputs, options);
    EXPECT_TRUE(result.passed) << result.message;
    EXPECT_GT(result.largest_analytic, 0.0) << name << ": an all-zero gradient proves nothing";
    EXPECT_EQ(result.elements_checked, total_elements(inputs)) << name << ": every element must be checked";
}

} // namespace

// --- element-wise binary ops, same shape and broadcast ---------------------------

TEST(Add, GradcheckWithBroadcast) {
    expect_gradcheck("add", [](const auto& in) { return add(in[0], in[1]); }, {input({2, 3}), input({2, 3})});
    expect_gradcheck("add broadcast", [](const auto& in) { return in[0] + in[1]; }, {input({2, 3, 1}), input({4})});
}

TEST(Sub, GradcheckWithBroadcast) {
    expect_gradcheck("sub broadcast", [](const auto& in) { return in[0] - in[1]; }, {input({3, 1}), input({2, 1, 4})});
    expect_gradcheck("scalar - x", [](const auto& in) { return 2.0 - in[0]; }, {input({3})});
}

TEST(Mul, GradcheckWithBroadcast) {
    expect_gradcheck("mul broadcast", [](const auto& in) { return in[0] * in[1]; }, {input({4, 1, 3}), input({2, 1})});
    expect_gradcheck("mul by 0-d", [](const auto& in) { return in[0] * in[1]; }, {input({2, 3}), input({})});
}

TEST(Div, GradcheckWithBroadcast) {
    expect_gradcheck("div broadcast", [](const auto& in) { return in[0] / in[1]; }, {input({2, 3}), positive_input({3})});
    expect_gradcheck("scalar / x", [](const auto& in) { return 1.0 / in[0]; }, {positive_input({4})});
}

TEST(Pow, GradcheckTensorExponent) {
    expect_gradcheck("pow tensor", [](const auto& in) { return pow(in[0], in[1]); },
                     {positive_input({2, 3}), input({3})});
    expect_gradcheck("pow scalar", [](const auto& in) { return pow(in[0], 2.5); }, {positive_input({3, 2})});
    expect_gradcheck("pow integer", [](const auto& in) { return pow(in[0], 3.0); }, {input({5})});
}

TEST(Maximum, GradcheckAndMinimum) {
    expect_gradcheck("maximum", [](const auto& in) { return maximum(in[0], in[1]); }, {input({2, 3}), input({3})});
    expect_gradcheck("minimum", [](const auto& in) { return minimum(in[0], in[1]); }, {input({2, 1}), input({2, 4})});
}

TEST(Where, Gradcheck) {
    const Tensor condition = from_vector(std::vector<double>{1, 0, 0, 1, 1, 0}, {2, 3});
    expect_gradcheck("where", [condition](const auto& in) { return where(condition, in[0], in[1]); },
                     {input({2, 3}), input({3})});
}

// --- element-wise unary ops ------------------------------------------------------------

TEST(Unary, GradcheckEachOp) {
    expect_gradcheck("neg", [](const auto& in) { return -in[0]; }, {input({2, 3})});
    expect_gradcheck("exp", [](const auto& in) { return exp(in[0]); }, {input({2, 3})});
    expect_gradcheck("log", [](const auto& in) { return log(in[0]); }, {positive_input({2, 3})});
    expect_gradcheck("sqrt", [](const auto& in) { return sqrt(in[0]); }, {positive_input({2, 3})});
    expect_gradcheck("abs", [](const auto& in) { return abs(in[0]); }, {input({2, 3})});
    expect_gradcheck("clamp", [](const auto& in) { return clamp(in[0], -0.5, 0.5); }, {input({4, 3})});
    expect_gradcheck("relu", [](const auto& in) { return relu(in[0]); }, {input({4, 3})});
    expect_gradcheck("sigmoid", [](const auto& in) { return sigmoid(in[0]); }, {input({2, 3})});
    expect_gradcheck("tanh", [](const auto& in) { return tanh(in[0]); }, {input({2, 3})});
}

// --- reductions ------------------------------------------------------------------------

TEST(Sum, Gradcheck) {
    expect_gradcheck("sum all", [](const auto& in) { return sum(in[0]); }, {input({2, 3, 4})});
    expect_gradcheck("sum dims", [](const auto& in) { return sum(in[0], {0, 2}); }, {input({2, 3, 4})});
    expect_gradcheck("sum keepdim", [](const auto& in) { return sum(in[0], {-1}, true); }, {input({2, 3, 4})});
    expect_gradcheck("sum of a transposed view", [](const auto& in) { return sum(in[0].t(), {1}); }, {input({3, 5})});
}

TEST(Mean, Gradcheck) {
    expect_gradcheck("mean all", [](const auto& in) { return mean(in[0]); }, {input({3, 4})});
    expect_gradcheck("mean dim", [](const auto& in) { return mean(in[0], {1}, true); }, {input({3, 4})});
}

TEST(Var, Gradcheck) {
    expect_gradcheck("var unbiased", [](const auto& in) { return var(in[0], {1}); }, {input({3, 5})});
    expect_gradcheck("var biased keepdim", [](const auto& in) { return var(in[0], {0, 2}, false, true); },
                     {input({2, 3, 4})});
}

TEST(Max, GradcheckValuesAlongDimAndOverall) {
    expect_gradcheck("max dim", [](const auto& in) { return max(in[0], 1).first; }, {input({3, 5})});
    expect_gradcheck("min dim keepdim", [](const auto& in) { return min(in[0], 0, true).first; }, {input({3, 5})});
    expect_gradcheck("max all", [](const auto& in) { return max(in[0]); }, {input({3, 4})});
    expect_gradcheck("min all", [](const auto& in) { return min(in[0]); }, {input({3, 4})});
}

TEST(Logsumexp, Gradcheck) {
    expect_gradcheck("logsumexp", [](const auto& in) { return logsumexp(in[0], 1); }, {input({3, 4})});
    expect_gradcheck("logsumexp keepdim", [](const auto& in) { return logsumexp(in[0] * 20.0, 0, true); },
                     {input({3, 4})});
}

TEST(SumTo, Gradcheck) {
    expect_gradcheck("sum_to", [](const auto& in) { return sum_to(in[0], {3, 1}); }, {input({2, 3, 4})});
}

// --- matmul --------------------------------------------------------------------------------

TEST(Matmul, Gradcheck) {
    expect_gradcheck("matmul 2-D", [](const auto& in) { return matmul(in[0], in[1]); }, {input({3, 4}), input({4, 2})});
    expect_gradcheck("matmul batched", [](const auto& in) { return matmul(in[0], in[1]); },
                     {input({2, 3, 4}), input({2, 4, 2})});
    expect_gradcheck("matmul broadcast batch", [](const auto& in) { return matmul(in[0], in[1]); },
                     {input({2, 1, 3, 4}), input({3, 4, 2})});
    expect_gradcheck("matmul shared weight", [](const auto& in) { return matmul(in[0], in[1]); },
                     {input({2, 3, 4}), input({4, 5})});
    expect_gradcheck("matmul transposed views", [](const auto& in) { return matmul(in[0].t(), in[1].t()); },
                     {input({4, 3}), input({2, 4})});
    expect_gradcheck("matrix @ vector", [](const auto& in) { return matmul(in[0], in[1]); }, {input({3, 4}), input({4})});
    expect_gradcheck("vector @ matrix", [](const auto& in) { return matmul(in[0], in[1]); }, {input({3}), input({3, 4})});
    expect_gradcheck("vector @ vector", [](const auto& in) { return matmul(in[0], in[1]); }, {input({3}), input({3})});
}

// --- joining and indexing ------------------------------------------------------------------

TEST(Cat, Gradcheck) {
    expect_gradcheck("cat", [](const auto& in) { return cat({in[0], in[1], in[0]}, 1); }, {input({2, 3}), input({2, 1})});
}

TEST(Stack, Gradcheck) {
    expect_gradcheck("stack", [](const auto& in) { return stack({in[0], in[1]}, -1); }, {input({2, 3}), input({2, 3})});
}

TEST(Gather, GradcheckWithRepeatedIndices) {
    const Tensor index = from_vector(std::vector<std::int64_t>{0, 2, 2, 1, 1, 1}, {2, 3});
    expect_gradcheck("gather", [index](const auto& in) { return gather(in[0], 1, index); }, {input({2, 4})});
    const Tensor rows = from_vector(std::vector<std::int64_t>{3, 0, 3});
    expect_gradcheck("index_select", [rows](const auto& in) { return index_select(in[0], 0, rows); }, {input({4, 2})});
}

// --- views -----------------------------------------------------------------------------------

TEST(View, Gradcheck) {
    expect_gradcheck("view", [](const auto& in) { return in[0].view({3, 4}) * in[1]; }, {input({2, 6}), input({4})});
    expect_gradcheck("reshape of a transposed view", [](const auto& in) { return in[0].t().reshape({-1}); },
                     {input({3, 4})});
    expect_gradcheck("flatten", [](const auto& in) { return in[0].flatten(1); }, {input({2, 3, 2})});
}

TEST(Transpose, Gradcheck) {
    expect_gradcheck("transpose", [](const auto& in) { return in[0].transpose(0, 2) * in[1]; },
                     {input({2, 3, 4}), input({2})});
    expect_gradcheck("permute", [](const auto& in) { return in[0].permute({1, 2, 0}); }, {input({2, 3, 4})});
}

TEST(Slice, GradcheckWithSteps) {
    expect_gradcheck("slice step", [](const auto& in) { return in[0].slice(1, 1, 7, 2); }, {input({3, 7})});
    expect_gradcheck("narrow", [](const auto& in) { return in[0].narrow(0, 1, 2); }, {input({4, 3})});
    expect_gradcheck("select", [](const auto& in) { return in[0].select(1, -1); }, {input({4, 3})});
    expect_gradcheck("overlapping slices", [](const auto& in) { return in[0].slice(0, 0, 3) * in[0].slice(0, 1, 4); },
                     {input({4, 2})});
}

TEST(Expand, Gradcheck) {
    expect_gradcheck("expand", [](const auto& in) { return in[0].expand({4, 2, 3}); }, {input({2, 1})});
}

TEST(Squeeze, Gradcheck) {
    expect_gradcheck("squeeze all", [](const auto& in) { return in[0].squeeze() * in[1]; }, {input({1, 3, 1}), input({3})});
    expect_gradcheck("squeeze dim", [](const auto& in) { return in[0].squeeze(0); }, {input({1, 3})});
    expect_gradcheck("unsqueeze", [](const auto& in) { return in[0].unsqueeze(1) * in[1]; }, {input({3}), input({3, 2})});
}

TEST(Clone, GradcheckAndContiguous) {
    expect_gradcheck("clone", [](const auto& in) { return in[0].clone() * in[0]; }, {input({3})});
    expect_gradcheck("contiguous", [](const auto& in) { return in[0].t().contiguous(); }, {input({2, 3})});
}

// --- composed: ops after ops, with broadcasting, as layers use them --------------------

TEST(Composed, GradcheckLayerLikeExpressions) {
    expect_gradcheck("linear + sigmoid", [](const auto& in) { return sigmoid(matmul(in[0], in[1].t()) + in[2]); },
                     {input({4, 3}), input({2, 3}), input({2})});
    expect_gradcheck("log softmax", [](const auto& in) { return in[0] - logsumexp(in[0], 1, true); }, {input({3, 5})});
    expect_gradcheck("normalize over batch",
                     [](const auto& in) { return (in[0] - mean(in[0], {0}, true)) / sqrt(var(in[0], {0}, false, true) + 1e-5); },
                     {input({6, 3})});
    expect_gradcheck("tanh of views", [](const auto& in) { return tanh(in[0].slice(1, 0, 4, 2).t() * in[1]); },
                     {input({3, 4}), input({3})});
    expect_gradcheck("exp / sum", [](const auto& in) { return exp(in[0]) / sum(exp(in[0]), {1}, true); }, {input({2, 4})});
}

// Backward twice through a retained graph doubles the gradient: each op's
// closure must not consume or overwrite what it saved for the second call.
TEST(RetainGraph, EveryOpBackwardTwiceAccumulates) {
    const std::vector<std::pair<std::string, DifferentiableFunction>> cases = {
        {"exp", [](const auto& in) { return exp(in[0]); }},
        {"sigmoid", [](const auto& in) { return sigmoid(in[0]); }},
        {"relu", [](const auto& in) { return relu(in[0]); }},
        {"matmul", [](const auto& in) { return matmul(in[0], in[0].t()); }},
        {"slice", [](const auto& in) { return in[0].slice(1, 0, 3, 2); }},
        {"max", [](const auto& in) { return max(in[0], 1).first; }},
        {"logsumexp", [](const auto& in) { return logsumexp(in[0], 0); }},
        {"where", [](const auto& in) { return where(gt(in[0], zeros_like(in[0])), in[0], in[0] * in[0]); }},
        {"cat", [](const auto& in) { return cat({in[0], in[0]}, 0); }},
    };
    for (const auto& [name, function] : cases) {
        Tensor x = input({2, 3});
        Tensor out = function({x});
        Tensor upstream = ones_like(out) * 0.5;
        out.backward(upstream, true);
        const std::vector<double> once = x.grad().to_vector<double>();
        out.backward(upstream);
        const std::vector<double> twice = x.grad().to_vector<double>();
        bool any_nonzero = false;
        for (std::size_t i = 0; i < once.size(); ++i) {
            EXPECT_DOUBLE_EQ(twice[i], 2.0 * once[i]) << name << " element " << i;
            any_nonzero = any_nonzero || once[i] != 0.0;
        }
        EXPECT_TRUE(any_nonzero) << name;
    }
}
