// The training loop and the evaluation loop, as plain functions.
//
// One training step, the heart of it all:
//   logits = model(images)                 images [B, C, H, W] -> logits [B, K]
//   loss   = cross_entropy(logits, labels) labels [B] (int64 class indices)
//   optimizer.zero_grad(); loss.backward(); optimizer.step()
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "datasets/dataloader.hpp"
#include "metrics/binary_curves.hpp"
#include "metrics/confusion_matrix.hpp"
#include "nn/module.hpp"
#include "nn/optimizer.hpp"

namespace kindling::cli {

struct EpochResult {
    double loss = 0.0;       // mean over the epoch's samples
    double accuracy = 0.0;
    std::int64_t images = 0;
    double seconds = 0.0;
    bool interrupted = false; // stopped early by `stop`
};

struct TrainingHooks {
    // After every batch: batches done, images done, running loss and accuracy.
    std::function<void(std::int64_t, std::int64_t, double, double)> on_batch;
    // Called after each optimizer step (per-batch learning-rate schedules).
    std::function<void()> after_step;
    // Checked after every batch; when set, the epoch ends early.
    const std::atomic<bool>* stop = nullptr;
};

// One pass over `loader` in training mode. Throws if the loss becomes NaN or
// infinite, naming the epoch and batch.
EpochResult train_one_epoch(nn::Module& model, nn::Optimizer& optimizer, const datasets::DataLoader& loader,
                            std::int64_t epoch_index, const TrainingHooks& hooks);

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;
    metrics::ConfusionMatrix confusion{2};
    metrics::BinaryScores positive_scores; // softmax probability of class 1 (binary tasks only)
};

// The model in eval mode, without recording gradients, over the whole loader.
Evaluation evaluate(nn::Module& model, const datasets::DataLoader& loader, std::int64_t num_classes);

} // namespace kindling::cli
