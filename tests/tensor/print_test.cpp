// Printing: the exact text for small tensors, 0-d, empty and large ones.
#include <gtest/gtest.h>

#include <sstream>

#include "kindling.hpp"

using namespace kindling;

TEST(Print, MatrixLikePyTorch) {
    EXPECT_EQ(tensor({{0.1, -2.5}, {3.0, 4.0}}).to_string(),
              "tensor([[ 0.1000, -2.5000],\n"
              "        [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32)");
    EXPECT_EQ(tensor({1, 2, 3}).to_string(), "tensor([1., 2., 3.], shape=[3], dtype=float32)");
    EXPECT_EQ(arange(3).to_string(), "tensor([0, 1, 2], shape=[3], dtype=int64)");
}

TEST(Print, ZeroDimensionalAndEmpty) {
    EXPECT_EQ(scalar_tensor(2.5, DType::Float64).to_string(), "tensor(2.5000, shape=[], dtype=float64)");
    EXPECT_EQ(zeros({0}).to_string(), "tensor([], shape=[0], dtype=float32)");
    EXPECT_EQ(zeros({2, 0, 3}).to_string(), "tensor([], shape=[2, 0, 3], dtype=float32)");
    EXPECT_EQ(Tensor().to_string(), "tensor(undefined)");
}

TEST(Print, ShowsAutogradState) {
    Tensor x = ones({1}, DType::Float64).requires_grad_();
    EXPECT_EQ(x.to_string(), "tensor([1.], shape=[1], dtype=float64, requires_grad=true)");
    EXPECT_EQ((x * 2.0).to_string(), "tensor([2.], shape=[1], dtype=float64, grad_fn=mul)");
}

TEST(Print, LargeTensorsAreAbbreviated) {
    const std::string text = arange(0.0, 2000.0, 1.0).view({2, 1000}).to_string();
    EXPECT_EQ(text, "tensor([[   0.,    1.,    2., ...,  997.,  998.,  999.],\n"
                    "        [1000., 1001., 1002., ..., 1997., 1998., 1999.]], shape=[2, 1000], dtype=float32)");
}

TEST(Print, ScientificForTinyOrHugeValues) {
    EXPECT_EQ(tensor({1e-6, 0.5}).to_string(), "tensor([1.0000e-06, 5.0000e-01], shape=[2], dtype=float32)");
    EXPECT_EQ(tensor({NAN, -INFINITY, 1.0}).to_string(), "tensor([ nan, -inf,   1.], shape=[3], dtype=float32)");
    std::ostringstream out;
    out << scalar_tensor(1.0);
    EXPECT_EQ(out.str(), "tensor(1., shape=[], dtype=float32)");
}
