// The smallest program that uses Kindling: one gradient, printed.
#include <kindling.hpp>
#include <iostream>

int main() {
    using namespace kindling;
    Tensor x = tensor({1.0, 2.0, 3.0}).requires_grad_();
    Tensor y = sum(x * x);
    y.backward();
    std::cout << "d(sum x^2)/dx = " << x.grad() << "\n"; // 2x
    return x.grad().at({2}) == 6.0 ? 0 : 1;
}
