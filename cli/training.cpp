#include "cli/training.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "autograd/grad_mode.hpp"
#include "nn/cross_entropy.hpp"
#include "nn/softmax.hpp"
#include "tensor/ops.hpp"

namespace kindling::cli {

namespace {

// How many of the batch's predictions (arg-max of the logits) are right.
std::int64_t count_correct(const Tensor& logits, const Tensor& labels) {
    const Tensor predicted = argmax(logits.detach(), 1);
    const std::int64_t* predicted_class = predicted.data<std::int64_t>();
    const std::int64_t* true_class = labels.data<std::int64_t>();
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < labels.numel(); ++i) correct += predicted_class[i] == true_class[i];
    return correct;
}

} // namespace

EpochResult train_one_epoch(nn::Module& model, nn::Optimizer& optimizer, const datasets::DataLoader& loader,
                            std::int64_t epoch_index, const TrainingHooks& hooks) {
    const auto start = std::chrono::steady_clock::now();
    model.train();
    EpochResult result;
    double loss_sum = 0.0;
    std::int64_t correct = 0, batches = 0;
    for (const datasets::Batch& batch : loader.epoch(epoch_index)) {
        const Tensor logits = model(batch.inputs);
        const Tensor loss = nn::functional::cross_entropy(logits, batch.targets);
        const double loss_value = loss.item();
        if (!std::isfinite(loss_value)) {
            throw std::runtime_error("the training loss became " + std::to_string(loss_value) + " at epoch " +
                                     std::to_string(epoch_index + 1) + ", batch " + std::to_string(batch.index + 1) +
                                     "; try a smaller --lr");
        }
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        if (hooks.after_step) hooks.after_step();

        const std::int64_t batch_size = batch.targets.numel();
        loss_sum += loss_value * static_cast<double>(batch_size);
        correct += count_correct(logits, batch.targets);
        result.images += batch_size;
        ++batches;
        if (hooks.on_batch) {
            hooks.on_batch(batches, result.images, loss_sum / static_cast<double>(result.images),
                           static_cast<double>(correct) / static_cast<double>(result.images));
        }
        if (hooks.stop != nullptr && hooks.stop->load()) {
            result.interrupted = true;
            break;
        }
    }
    if (result.images > 0) {
        result.loss = loss_sum / static_cast<double>(result.images);
        result.accuracy = static_cast<double>(correct) / static_cast<double>(result.images);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

Evaluation evaluate(nn::Module& model, const datasets::DataLoader& loader, std::int64_t num_classes) {
    autograd::NoGradGuard no_grad;
    model.eval();
    Evaluation evaluation;
    evaluation.confusion = metrics::ConfusionMatrix(num_classes);
    nn::CrossEntropyOptions sum_of_losses;
    sum_of_losses.reduction = nn::Reduction::Sum;
    double loss_sum = 0.0;
    for (const datasets::Batch& batch : loader.epoch(0)) {
        const Tensor logits = model(batch.inputs);
        loss_sum += nn::functional::cross_entropy(logits, batch.targets, sum_of_losses).item();
        evaluation.confusion.update(argmax(logits, 1), batch.targets);
        if (num_classes == 2) {
            evaluation.positive_scores.update(nn::functional::softmax(logits, 1).select(1, 1).contiguous(),
                                              batch.targets);
        }
    }
    const std::int64_t samples = evaluation.confusion.num_samples();
    if (samples > 0) {
        evaluation.loss = loss_sum / static_cast<double>(samples);
        evaluation.accuracy = static_cast<double>(evaluation.confusion.correct()) / static_cast<double>(samples);
    }
    return evaluation;
}

} // namespace kindling::cli
