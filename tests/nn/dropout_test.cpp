#include <gtest/gtest.h>

#include "layers_test_support.hpp"
#include "nn/dropout.hpp"

using namespace kindling;

TEST(Dropout, EvalIsTheIdentity) {
    nn::Dropout layer(0.5);
    layer.eval();
    const Tensor x = tensor({1, 2, 3});
    EXPECT_EQ(layer(x).to_vector<float>(), x.to_vector<float>());
}

TEST(Dropout, DropsAboutPAndScalesTheRestByOneOverOneMinusP) {
    Generator generator(5);
    nn::Dropout layer(0.3, generator);
    const std::vector<float> y = layer(ones({10000})).to_vector<float>();
    std::int64_t dropped = 0;
    for (float value : y) {
        if (value == 0.0f) ++dropped;
        else EXPECT_FLOAT_EQ(value, 1.0f / 0.7f);
    }
    EXPECT_NEAR(static_cast<double>(dropped) / 10000.0, 0.3, 0.02);
}

TEST(Dropout, SameSeedSameMask) {
    Generator first(9), second(9);
    nn::Dropout a(0.5, first), b(0.5, second);
    const Tensor x = ones({64});
    EXPECT_EQ(a(x).to_vector<float>(), b(x).to_vector<float>());
    EXPECT_NE(a(x).to_vector<float>(), b(ones({64}) * 2.0).to_vector<float>());
}

// The backward multiplies by the same mask: with the mask m fixed, y = x * m is
// linear in x, so gradcheck checks exactly that (the generator is re-seeded for
// every evaluation so the finite differences see the same mask).
TEST(Dropout, Gradcheck) {
    Generator generator(3);
    const Tensor x = kindling::testing::random_leaf({4, 5}, 1);
    kindling::testing::expect_gradcheck(
        [&](const std::vector<Tensor>& in) {
            generator.manual_seed(3);
            return nn::functional::dropout(in[0], 0.4, true, generator);
        },
        {x}, "Dropout");
}

TEST(Dropout, EdgeProbabilities) {
    const Tensor x = tensor({1, 2, 3});
    EXPECT_EQ(nn::functional::dropout(x, 0.0, true).to_vector<float>(), x.to_vector<float>());
    EXPECT_EQ(nn::functional::dropout(x, 1.0, true).to_vector<float>(), std::vector<float>(3, 0.0f));
    EXPECT_THROW(nn::Dropout(1.5), std::invalid_argument);
}
