// `kindling demo`: a thirty-second tour of tensors, autograd and gradcheck.
#include <iostream>

#include "cli/commands.hpp"
#include "kindling.hpp"

namespace kindling::cli {

namespace {

void run_demo() {
    Generator generator(42);
    std::cout << "Kindling demo: fit y = 3x - 1 by gradient descent\n\n";
    const Tensor x = randn({64, 1}, generator);
    const Tensor y = x * 3.0 - 1.0;
    Tensor weight = zeros({1, 1}).requires_grad_();
    Tensor bias = zeros({1}).requires_grad_();
    for (int step = 0; step <= 100; ++step) {
        const Tensor prediction = matmul(x, weight) + bias;
        const Tensor loss = mean(pow(prediction - y, 2.0));
        weight.zero_grad();
        bias.zero_grad();
        loss.backward();
        {
            autograd::NoGradGuard no_grad;
            weight.add_(weight.grad(), -0.1);
            bias.add_(bias.grad(), -0.1);
        }
        if (step % 25 == 0) std::cout << "step " << step << "  loss " << loss.item() << "\n";
    }
    std::cout << "\nweight " << weight << "\nbias   " << bias << "\n\n";

    const Tensor a = randn({3, 4}, generator, DType::Float64).requires_grad_();
    const Tensor b = randn({4, 2}, generator, DType::Float64).requires_grad_();
    const auto check = autograd::gradcheck(
        [](const std::vector<Tensor>& in) { return tanh(matmul(in[0], in[1])); }, {a, b});
    std::cout << "gradcheck of tanh(a @ b): " << (check.passed ? "passed" : check.message) << " ("
              << check.elements_checked << " elements, max |error| " << check.max_absolute_error << ")\n";
}

} // namespace

void add_demo_command(CLI::App& app) {
    app.add_subcommand("demo", "A short tour: fit a line with autograd, then gradcheck an expression")
        ->callback(run_demo);
}

} // namespace kindling::cli
