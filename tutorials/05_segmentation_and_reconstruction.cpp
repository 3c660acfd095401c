// Tutorial 5 — Segmentation and reconstruction: metrics beyond accuracy.
//
// Part 1: segment generated images of squares and disks pixel by pixel with a
//         small fully-convolutional network, judged by IoU (and why pixel
//         accuracy flatters it).
// Part 2: a denoising autoencoder on Fashion-MNIST, judged by MSE and PSNR.
//
// Walkthrough: docs/tutorials/05-segmentation-and-reconstruction.md.
// Run with --quick for a few steps only (CTest does).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "kindling.hpp"

using namespace kindling;

namespace {

constexpr std::int64_t side = 16; // images are side x side pixels

// One image with a bright square (class 1) and a dimmer disk (class 2) at
// random places on a noisy background (class 0), and its mask.
void draw_sample(Generator& generator, float* image, std::int64_t* mask) {
    for (std::int64_t i = 0; i < side * side; ++i) {
        image[i] = static_cast<float>(0.1 * generator.normal());
        mask[i] = 0;
    }
    const std::int64_t square_size = generator.integer(3, 7);
    const std::int64_t square_row = generator.integer(0, side - square_size);
    const std::int64_t square_column = generator.integer(0, side - square_size);
    for (std::int64_t y = square_row; y < square_row + square_size; ++y) {
        for (std::int64_t x = square_column; x < square_column + square_size; ++x) {
            image[y * side + x] += 1.0f;
            mask[y * side + x] = 1;
        }
    }
    const double radius = 1.5 + 2.0 * generator.uniform();
    const double center_y = 3 + generator.uniform() * (side - 6), center_x = 3 + generator.uniform() * (side - 6);
    for (std::int64_t y = 0; y < side; ++y) {
        for (std::int64_t x = 0; x < side; ++x) {
            if (std::hypot(y - center_y, x - center_x) <= radius) {
                image[y * side + x] = 0.5f + static_cast<float>(0.1 * generator.normal()); // the disk covers the square
                mask[y * side + x] = 2;
            }
        }
    }
}

// A batch: images [N, 1, side, side] and masks [N, side, side].
std::pair<Tensor, Tensor> make_batch(std::int64_t count, Generator& generator) {
    Tensor images = empty({count, 1, side, side});
    Tensor masks = empty({count, side, side}, DType::Int64);
    for (std::int64_t n = 0; n < count; ++n) {
        draw_sample(generator, images.data<float>() + n * side * side, masks.data<std::int64_t>() + n * side * side);
    }
    return {images, masks};
}

void segmentation(bool quick) {
    std::printf("Part 1: segmentation of squares and disks (%lldx%lld pixels, 3 classes)\n\n",
                static_cast<long long>(side), static_cast<long long>(side));
    Generator generator(1);
    // Fully convolutional: every output pixel gets 3 class scores.
    // [N, 1, 16, 16] -> [N, 16, 16, 16] -> [N, 16, 16, 16] -> [N, 3, 16, 16]
    nn::Sequential model(std::make_shared<nn::Conv2d>(1, 16, 3, 1, 1, 1, 1, true, generator),
                         std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Conv2d>(16, 16, 3, 1, 2, 2, 1, true, generator), // dilation 2: sees further
                         std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Conv2d>(16, 3, 1, 1, 0, 1, 1, true, generator));
    nn::AdamOptions adam;
    adam.lr = 0.01;
    nn::Adam optimizer(model.parameters(), adam);
    const int steps = quick ? 5 : 300;
    for (int step = 1; step <= steps; ++step) {
        auto [images, masks] = make_batch(32, generator);
        // Cross-entropy per pixel: logits [N, 3, H, W] -> [N*H*W, 3], masks -> [N*H*W].
        const Tensor logits = model(images).permute({0, 2, 3, 1}).reshape({-1, 3});
        const Tensor loss = nn::functional::cross_entropy(logits, masks.reshape({-1}));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        if (step % 100 == 0 || step == steps) std::printf("   step %3d  loss %.4f\n", step, loss.item());
    }

    autograd::NoGradGuard no_grad;
    auto [images, masks] = make_batch(200, generator); // fresh images the model never saw
    const Tensor predicted = argmax(model(images), 1);  // [N, H, W] classes
    metrics::JaccardIndex iou(3);
    metrics::Dice dice(3);
    iou.update(predicted, masks);
    dice.update(predicted, masks);
    const metrics::OverlapResult iou_result = iou.compute(), dice_result = dice.compute();
    const double pixel_accuracy = mean(eq(predicted, masks).to(DType::Float32)).item();
    const double background_share = mean(eq(masks, zeros_like(masks)).to(DType::Float32)).item();
    std::printf("\n   IoU   background %.3f  square %.3f  disk %.3f  mean %.3f\n", iou_result.per_class[0],
                iou_result.per_class[1], iou_result.per_class[2], iou_result.mean);
    std::printf("   Dice  background %.3f  square %.3f  disk %.3f  mean %.3f\n", dice_result.per_class[0],
                dice_result.per_class[1], dice_result.per_class[2], dice_result.mean);
    std::printf("   pixel accuracy %.3f, but answering \"background\" everywhere already scores %.3f:\n"
                "   IoU per class is the honest measure.\n\n",
                pixel_accuracy, background_share);
}

void denoising_autoencoder(bool quick) {
    std::printf("Part 2: a denoising autoencoder on Fashion-MNIST\n\n");
    std::shared_ptr<datasets::InMemoryDataset> train, test;
    try {
        train = datasets::load_fashion_mnist(datasets::Split::Train);
        test = datasets::load_fashion_mnist(datasets::Split::Test);
    } catch (const datasets::DataNotFoundError& error) {
        std::printf("   skipped: %s\n", error.what());
        return;
    }
    // All images as rows of 784 values in [0, 1].
    auto as_rows = [](const datasets::InMemoryDataset& dataset, std::int64_t count) {
        Tensor pixels = empty({count, 784});
        for (std::int64_t i = 0; i < count * 784; ++i) pixels.data<float>()[i] = dataset.pixels()[i] / 255.0f;
        return pixels;
    };
    const Tensor clean_train = as_rows(*train, train->size());
    const Tensor clean_test = as_rows(*test, quick ? 500 : test->size());
    Generator generator(2);
    auto add_noise = [&](const Tensor& clean) { return clamp(clean + randn(clean.shape(), generator) * 0.3, 0.0, 1.0); };

    // 784 -> 256 -> 784: the bottleneck forces the network to keep what
    // matters about a garment and drop the noise. Sigmoid keeps outputs in [0, 1].
    nn::Sequential model(std::make_shared<nn::Linear>(784, 256, true, generator), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(256, 784, true, generator), std::make_shared<nn::Sigmoid>());
    nn::Adam optimizer(model.parameters(), nn::AdamOptions{});
    const std::int64_t batch = 128, steps = quick ? 10 : 1500;
    for (std::int64_t step = 1; step <= steps; ++step) {
        const std::int64_t start = (step * batch) % (train->size() - batch);
        const Tensor clean = clean_train.narrow(0, start, batch);
        const Tensor loss = nn::functional::mse_loss(model(add_noise(clean)), clean);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        if (step % 500 == 0 || step == steps) std::printf("   step %4lld  MSE %.5f\n", static_cast<long long>(step), loss.item());
    }

    autograd::NoGradGuard no_grad;
    const Tensor noisy = add_noise(clean_test);
    const Tensor restored = model(noisy);
    metrics::MeanSquaredError noisy_mse, restored_mse;
    metrics::PSNR noisy_psnr(1.0), restored_psnr(1.0);
    noisy_mse.update(noisy, clean_test);
    noisy_psnr.update(noisy, clean_test);
    restored_mse.update(restored, clean_test);
    restored_psnr.update(restored, clean_test);
    std::printf("\n   on %lld test images:    MSE      PSNR\n", static_cast<long long>(clean_test.size(0)));
    std::printf("   noisy input         %.5f  %5.2f dB\n", noisy_mse.compute(), noisy_psnr.compute());
    std::printf("   autoencoder output  %.5f  %5.2f dB\n", restored_mse.compute(), restored_psnr.compute());
    std::printf("   PSNR = 10 log10(1 / MSE): +3 dB means half the squared error.\n");
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    segmentation(quick);
    denoising_autoencoder(quick);
    return 0;
}
