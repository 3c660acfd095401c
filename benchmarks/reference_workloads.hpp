// The reference workloads of issue 7: the convolution layers a-g and the small
// CNN training step that `kindling bench`, the Google Benchmark programs and
// benchmarks/compare_pytorch.py all time, so every figure in docs/performance.md
// is about exactly the same shapes.
//
//   layer  convolution                          images (batch)
//   a      3 -> 32,   3x3, stride 1, pad 1      32x32    (64)   the first layer of a CIFAR CNN
//   b      32 -> 64,  3x3, stride 1, pad 1      32x32    (64)
//   c      64 -> 128, 3x3, stride 1, pad 1      16x16    (64)
//   d      128 -> 256, 3x3, stride 1, pad 1     8x8      (64)   a late, small-image layer
//   e      64 -> 64,  1x1, stride 1, pad 0      32x32    (64)   a pointwise (channel-mixing) layer
//   f      3 -> 64,   7x7, stride 2, pad 3      224x224  (8)    the ResNet stem on ImageNet-sized images
//   g      256 -> 256, 3x3, stride 1, pad 1     8x8      (128)  the biggest GEMM of the set
//
// Flop convention (the usual one, also PyTorch's profiler's): a multiply-add
// counts as 2 flops, and the bias add is not counted (it is C_out*H_out*W_out
// additions per image, under 1% of the work for every layer here).
//
//   forward  = 2 * N * C_out * (C_in * kernel_h * kernel_w) * H_out * W_out
//   backward = 2 * forward: dX and dW are each one GEMM of the forward's size
//              (db is a sum, not counted); forward + backward = 3 * forward.
//
// This header only describes the work; cli/bench_command.cpp times it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nn/activations.hpp"
#include "nn/conv2d.hpp"
#include "nn/linear.hpp"
#include "nn/pooling.hpp"
#include "nn/sequential.hpp"
#include "nn/sgd.hpp"
#include "tensor/generator.hpp"

namespace kindling::benchmarks {

// One reference convolution: square images, square kernel, the same stride
// and padding in both directions, a bias (PyTorch's default).
struct ConvWorkload {
    std::string name; // "a" ... "g"
    std::int64_t batch;
    std::int64_t in_channels;
    std::int64_t out_channels;
    std::int64_t image_size; // H = W
    std::int64_t kernel;     // kernel_h = kernel_w
    std::int64_t stride;
    std::int64_t padding;

    // H_out = W_out = floor((H + 2*padding - kernel) / stride) + 1
    std::int64_t output_size() const { return (image_size + 2 * padding - kernel) / stride + 1; }

    // "3->32 3x3 s1 p1 32x32": channels, kernel, stride, padding, image size.
    std::string description() const {
        return std::to_string(in_channels) + "->" + std::to_string(out_channels) + " " + std::to_string(kernel) +
               "x" + std::to_string(kernel) + " s" + std::to_string(stride) + " p" + std::to_string(padding) + " " +
               std::to_string(image_size) + "x" + std::to_string(image_size);
    }

    // The forward pass as one GEMM (what im2col makes of it):
    //   output [C_out, N*H_out*W_out] = weight [C_out, C_in*k*k] @ columns [C_in*k*k, N*H_out*W_out]
    std::int64_t gemm_rows() const { return out_channels; }
    std::int64_t gemm_inner() const { return in_channels * kernel * kernel; }
    std::int64_t gemm_columns() const { return batch * output_size() * output_size(); }

    double forward_flops() const {
        return 2.0 * static_cast<double>(gemm_rows()) * static_cast<double>(gemm_inner()) *
               static_cast<double>(gemm_columns());
    }
    // dX and dW (2 * forward) plus the forward itself.
    double forward_backward_flops() const { return 3.0 * forward_flops(); }

    // A Conv2d of this shape, weights drawn from `generator`.
    std::shared_ptr<nn::Conv2d> make_layer(Generator& generator) const {
        return std::make_shared<nn::Conv2d>(in_channels, out_channels, kernel, stride, padding, 1, 1, true, generator);
    }
};

// Layers a-g in order (the table above).
inline const std::vector<ConvWorkload>& reference_conv_workloads() {
    static const std::vector<ConvWorkload> workloads = {
        {"a", 64, 3, 32, 32, 3, 1, 1},     {"b", 64, 32, 64, 32, 3, 1, 1},  {"c", 64, 64, 128, 16, 3, 1, 1},
        {"d", 64, 128, 256, 8, 3, 1, 1},   {"e", 64, 64, 64, 32, 1, 1, 0},  {"f", 8, 3, 64, 224, 7, 2, 3},
        {"g", 128, 256, 256, 8, 3, 1, 1},
    };
    return workloads;
}

// The workload called `name`; throws naming the known layers otherwise.
inline const ConvWorkload& reference_conv_workload(std::string_view name) {
    std::string known;
    for (const ConvWorkload& workload : reference_conv_workloads()) {
        if (workload.name == name) return workload;
        known += (known.empty() ? "" : ", ") + workload.name;
    }
    throw std::invalid_argument("unknown reference conv layer '" + std::string(name) + "' (known layers: " + known +
                                ")");
}

// --- the reference training step ----------------------------------------------------
//
// A batch of 3x32x32 images (CIFAR-10 sized) through a small VGG-style CNN,
// cross-entropy on 10 classes, backward, one SGD step (lr 0.01, momentum 0.9):
//
//   [N, 3, 32, 32]  conv(3->32, 3x3, pad 1) ReLU conv(32->32) ReLU maxpool 2
//   [N, 32, 16, 16] conv(32->64) ReLU conv(64->64) ReLU maxpool 2
//   [N, 64, 8, 8]   flatten -> [N, 4096] Linear(4096, 256) ReLU Linear(256, 10) -> logits [N, 10]
struct TrainingWorkload {
    static constexpr std::int64_t default_batch_size = 128;
    static constexpr std::int64_t image_channels = 3;
    static constexpr std::int64_t image_size = 32;
    static constexpr std::int64_t num_classes = 10;
};

inline std::shared_ptr<nn::Sequential> reference_training_network(Generator& generator) {
    // Every conv is 3x3, stride 1, padding 1 (same size), with a bias like PyTorch's nn.Conv2d.
    auto conv = [&generator](std::int64_t in_channels, std::int64_t out_channels) {
        return std::make_shared<nn::Conv2d>(in_channels, out_channels, 3, 1, 1, 1, 1, true, generator);
    };
    auto model = std::make_shared<nn::Sequential>();
    model->push_back(conv(TrainingWorkload::image_channels, 32));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(conv(32, 32));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(std::make_shared<nn::MaxPool2d>(2));
    model->push_back(conv(32, 64));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(conv(64, 64));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(std::make_shared<nn::MaxPool2d>(2));
    model->push_back(std::make_shared<nn::Flatten>());
    const std::int64_t flattened = 64 * (TrainingWorkload::image_size / 4) * (TrainingWorkload::image_size / 4);
    model->push_back(std::make_shared<nn::Linear>(flattened, 256, true, generator));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(std::make_shared<nn::Linear>(256, TrainingWorkload::num_classes, true, generator));
    return model;
}

inline nn::SGDOptions reference_sgd_options() { return {.lr = 0.01, .momentum = 0.9}; }

} // namespace kindling::benchmarks
