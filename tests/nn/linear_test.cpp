#include <gtest/gtest.h>

#include "layers_test_support.hpp"
#include "nn/linear.hpp"

using namespace kindling;
using kindling::testing::expect_gradcheck;
using kindling::testing::random_leaf;

TEST(Linear, Gradcheck) {
    nn::Linear layer(4, 3);
    layer.to(DType::Float64);
    const Tensor x = random_leaf({5, 4}, 1);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::functional::linear(in[0], in[1], in[2]); },
                     {x, layer.weight, layer.bias}, "linear");
}

TEST(Linear, GradcheckBatchedLeadingDims) {
    nn::Linear layer(4, 3);
    layer.to(DType::Float64);
    const Tensor x = random_leaf({2, 3, 4}, 2);
    expect_gradcheck([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x, layer.weight, layer.bias},
                     "linear batched");
}

TEST(Linear, ComputesXWTransposePlusBias) {
    nn::Linear layer(2, 2);
    {
        autograd::NoGradGuard no_grad;
        layer.weight.copy_(tensor({{1, 2}, {3, 4}}));
        layer.bias.copy_(tensor({10, 20}));
    }
    const Tensor y = layer(tensor({{1, 1}, {2, 0}}));
    EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{13, 27, 12, 26}));
    EXPECT_EQ(layer(empty({7, 5, 2})).shape(), (Shape{7, 5, 2}));
}

TEST(Linear, RegistersParametersAndOptionalBias) {
    nn::Linear with_bias(3, 2), without_bias(3, 2, false);
    ASSERT_EQ(with_bias.named_parameters().size(), 2u);
    EXPECT_EQ(with_bias.named_parameters()[0].first, "weight");
    EXPECT_EQ(with_bias.named_parameters()[1].first, "bias");
    EXPECT_EQ(with_bias.parameter_count(), 8);
    EXPECT_EQ(without_bias.parameter_count(), 6);
    EXPECT_FALSE(without_bias.bias.defined());
    EXPECT_EQ(with_bias.to_string(), "Linear(in_features=3, out_features=2, bias=True)");
}

TEST(Linear, WrongInputWidthNamesBothShapes) {
    nn::Linear layer(3, 2);
    try {
        layer(empty({4, 5}));
        FAIL() << "expected an exception";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("[4, 5]"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("[2, 3]"), std::string::npos) << error.what();
    }
}
