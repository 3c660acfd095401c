// EXPECT_GRADCHECK: it passes for a correct backward, fails with gradcheck's
// own message for a wrong one, and fails when an input's gradient is all zero.
#include <kindling/testing.hpp>

#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "failure_capture.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using kindling::testing::failures_of;

namespace {

// out = x * x with its backward written by hand; `factor` 2 is right, 1 is the planted bug.
Tensor square(const Tensor& x, double factor) {
    Tensor out;
    {
        autograd::NoGradGuard no_grad;
        out = x * x;
    }
    return autograd::record("square", out, {x}, [x, factor](const Tensor& g) {
        return std::vector<Tensor>{g * x * factor};
    });
}

Tensor leaf(const Tensor& values) { return values.to(DType::Float64).detach().requires_grad_(); }

} // namespace

TEST(GradcheckAssertions, PassForACorrectBackward) {
    const Tensor x = leaf(tensor({0.5, -1.0, 2.0}));
    const Tensor w = leaf(tensor({1.5, 0.25, -2.0}));
    EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return square(in[0], 2.0); }, {x});
    // A capture list and a designated initializer: commas the macro must pass through.
    const double scale = 3.0, shift = 1.0;
    EXPECT_GRADCHECK([scale, shift](const std::vector<Tensor>& in) { return in[0] * in[1] * scale + shift; }, {x, w},
                     {.max_elements_per_input = 2, .seed = 7});
    ASSERT_GRADCHECK([](const std::vector<Tensor>& in) { return exp(in[0]); }, {x});
}

TEST(GradcheckAssertions, WrongBackwardFailsWithGradchecksMessage) {
    const Tensor x = leaf(tensor({0.5, -1.0, 2.0}));
    const std::string message =
        failures_of([&] { EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return square(in[0], 1.0); }, {x}); });
    EXPECT_EQ(message.rfind("gradcheck([](const std::vector<Tensor>& in) { return square(in[0], 1.0); }, {x}) failed:\n"
                            "  gradcheck of 'function' failed: input 0 (shape [3]), element [0]: numeric ",
                            0),
              0u)
        << message;
    // The name given in the options is gradcheck's name for the function.
    EXPECT_NONFATAL_FAILURE(EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return square(in[0], 1.0); },
                                             {leaf(tensor({2.0}))}, {.name = "square"}),
                            "gradcheck of 'square' failed: input 0 (shape [1]), element [0]: numeric");
    EXPECT_FATAL_FAILURE(ASSERT_GRADCHECK([](const std::vector<Tensor>& in) { return square(in[0], 1.0); },
                                          {leaf(tensor({2.0}))}),
                         "gradcheck of 'function' failed");
}

TEST(GradcheckAssertions, AnInputWhoseGradientIsAllZeroFails) {
    // w is an input that requires grad but the function ignores it: gradcheck
    // itself agrees (numeric and analytic are both zero), EXPECT_GRADCHECK does not.
    const Tensor x = leaf(tensor({0.5, -1.0}));
    const Tensor w = leaf(tensor({1.0, 2.0, 3.0}));
    const auto ignores_w = [](const std::vector<Tensor>& in) { return in[0] * 2.0; };
    EXPECT_TRUE(autograd::gradcheck(ignores_w, {x, w}).passed);
    EXPECT_EQ(failures_of([&] { EXPECT_GRADCHECK(ignores_w, {x, w}); }),
              "gradcheck(ignores_w, {x, w}) failed:\n"
              "  the gradient of input 1 (shape [3]) is all zero, so the check proves nothing about it; choose inputs "
              "the output depends on\n");
    // relu on negative numbers only: the same, for a real op.
    EXPECT_NONFATAL_FAILURE(EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return relu(in[0]); },
                                             {leaf(tensor({-1.0, -2.0}))}),
                            "the gradient of input 0 (shape [2]) is all zero");
    // An input that needs no gradient (a target, a mask) is not held to it.
    const Tensor target = tensor({0.0, 0.0}, DType::Float64);
    EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return (in[0] - in[1]) * (in[0] - in[1]); }, {x, target});
}

TEST(GradcheckAssertions, NothingCheckedFails) {
    const Tensor empty_input = leaf(zeros({0}));
    EXPECT_EQ(failures_of([&] { EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return sum(in[0]); }, {empty_input}); }),
              "gradcheck([](const std::vector<Tensor>& in) { return sum(in[0]); }, {empty_input}) failed:\n"
              "  no element was checked: no input that requires grad has any element\n");
}
