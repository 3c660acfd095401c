#include <gtest/gtest.h>

#include "kindling.hpp"

using namespace kindling;

TEST(Smoke, AddAndBackward) {
    Tensor a = tensor({{1, 2}, {3, 4}}, DType::Float64).requires_grad_();
    Tensor b = tensor({10, 20}, DType::Float64).requires_grad_();
    Tensor c = sum(a * b + a);
    c.backward();
    EXPECT_EQ(c.item(), 1 * 10 + 2 * 20 + 3 * 10 + 4 * 20 + 10);
    EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{11, 21, 11, 21}));
    EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{4, 6}));
}
