// Tutorial 1 — Tensors and autograd.
//
// From one scalar expression to a tensor graph, and how to check a gradient
// with gradcheck. Read it top to bottom; run it with
//   ./build/tutorials/tutorial_01_tensors_and_autograd
// (docs/tutorials/01-tensors-and-autograd.md walks through the output).
#include <iostream>

#include "kindling.hpp"

using namespace kindling;

// CTest runs every tutorial with --quick; this one is instant, so it ignores it.
int main() {
    // --- 1. A scalar expression --------------------------------------------
    // y = a*b + a^2 with a = 2, b = 3.  By hand: dy/da = b + 2a = 7, dy/db = a = 2.
    Tensor a = scalar_tensor(2.0).requires_grad_();
    Tensor b = scalar_tensor(3.0).requires_grad_();
    Tensor y = a * b + a * a;
    y.backward(); // walks the graph from y back to a and b
    std::cout << "1. y = a*b + a^2 at a=2, b=3\n"
              << "   y = " << y.item() << ", dy/da = " << a.grad().item() << ", dy/db = " << b.grad().item()
              << "\n\n";

    // `a` was used twice (in a*b and in a*a): its gradient is the sum of both
    // contributions, b + 2a. The engine visits nodes in reverse topological
    // order so that both arrive before anything upstream of `a` runs.

    // --- 2. Tensors, broadcasting and views -----------------------------------
    Tensor matrix = arange(0, 6).reshape({2, 3}); // [[0, 1, 2], [3, 4, 5]]
    Tensor row = tensor({10, 20, 30});            // shape [3] broadcasts over both rows
    std::cout << "2. matrix + row =\n" << matrix + row << "\n";
    Tensor transposed = matrix.t(); // a view: same storage, swapped strides
    std::cout << "   matrix.t() shares storage with matrix: " << std::boolalpha
              << transposed.shares_storage_with(matrix) << ", strides " << shape_to_string(transposed.strides())
              << "\n\n";

    // --- 3. A tensor graph: a tiny linear layer and its loss -------------------
    Generator generator(0); // every random number comes from an explicit, seeded generator
    Tensor inputs = randn({4, 3}, generator);
    Tensor weight = randn({3, 2}, generator).requires_grad_();
    Tensor bias = zeros({2}).requires_grad_();
    Tensor loss = mean(pow(tanh(matmul(inputs, weight) + bias), 2.0));
    loss.backward();
    std::cout << "3. loss = mean(tanh(x W + b)^2) = " << loss.item() << "\n"
              << "   dloss/db = " << bias.grad() << "\n"
              << "   bias was broadcast over 4 rows, so its gradient is summed back to shape [2]\n\n";

    // --- 4. Checking a gradient with gradcheck ----------------------------------
    // gradcheck compares backward() with finite differences in float64.
    Tensor x64 = randn({4, 3}, generator, DType::Float64).requires_grad_();
    Tensor w64 = randn({3, 2}, generator, DType::Float64).requires_grad_();
    auto layer = [](const std::vector<Tensor>& in) { return tanh(matmul(in[0], in[1])); };
    const auto good = autograd::gradcheck(layer, {x64, w64});
    std::cout << "4. gradcheck(tanh(x @ W)): " << (good.passed ? "passed" : good.message) << " ("
              << good.elements_checked << " elements, largest error " << good.max_absolute_error << ")\n";

    // A planted bug: an op whose backward forgets the factor 2 in d(x^2)/dx.
    auto wrong_square = [](const std::vector<Tensor>& in) {
        Tensor out = in[0].detach() * in[0].detach();
        Tensor x = in[0];
        return autograd::record("wrong_square", out, {x}, [x](const Tensor& grad) {
            return std::vector<Tensor>{grad * x}; // should be grad * 2x
        });
    };
    autograd::GradcheckOptions options;
    options.name = "wrong_square"; // named in the failure message
    const auto bad = autograd::gradcheck(wrong_square, {x64}, options);
    std::cout << "   gradcheck(wrong_square): " << (bad.passed ? "passed (!)" : "rejected") << "\n   "
              << bad.message << "\n";
    return good.passed && !bad.passed ? 0 : 1;
}
