// The Swish layer at work: a small network learns the bump y = exp(-x^2) from
// 256 points held in a TensorDataset, a range-for over the DataLoader per epoch.
#include <kindling.hpp>

#include <cstdio>
#include <memory>

#include "swish.hpp"

using namespace kindling;

int main() {
    // Inputs [256, 1] evenly spaced over [-3, 3]; targets [256, 1].
    const Tensor x = (arange(0.0, 256.0) * (6.0 / 255.0) - 3.0).reshape({256, 1});
    const Tensor y = exp(-(x * x));
    datasets::DataLoader loader(datasets::TensorDataset(x, y), {.batch_size = 32, .shuffle = true, .seed = 0});

    manual_seed(0); // the layers' initial weights, like torch.manual_seed
    nn::Sequential model(std::make_shared<nn::Linear>(1, 16), std::make_shared<coursework::Swish>(),
                         std::make_shared<nn::Linear>(16, 1));
    nn::Adam optimizer(model.parameters(), {.lr = 0.01});

    double mse = 0.0;
    for (int epoch = 1; epoch <= 100; ++epoch) {
        double loss_sum = 0.0;
        for (auto& [inputs, targets] : loader) { // each pass over the loader is the next, reshuffled epoch
            const Tensor loss = nn::functional::mse_loss(model(inputs), targets);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            loss_sum += loss.item() * static_cast<double>(inputs.size(0));
        }
        mse = loss_sum / 256.0;
        if (epoch % 25 == 0) {
            const double beta = model.at<coursework::Swish>(1)->beta.item();
            std::printf("epoch %3d  MSE %.5f  beta %.3f\n", epoch, mse, beta);
        }
    }
    return mse < 0.01 ? 0 : 1; // a non-zero exit tells CI the layer did not learn
}
