// Tutorial 4 — CIFAR-10: a CNN with data augmentation past 80% test accuracy,
// its train and validation curves, and how to read overfitting from them.
//
//   tutorial_04_cifar10 [--quick] [--cifar-dir DIR] [--epochs N]
//                       [--no-augmentation] [--no-batchnorm] [--train-images N]
//
// The recipe (the defaults):
//   data      45,000 training images, 5,000 held out for validation, the
//             10,000 test images touched once at the end;
//             augmentation: random 32x32 crop of the image padded by 4 pixels
//             and a horizontal flip with probability 0.5; per-channel normalisation
//   network   three stages of two conv3x3-BatchNorm-ReLU blocks (32, 64, 128
//             channels), 2x2 max-pooling after each, global average pooling,
//             one linear layer: 0.29 M parameters
//   training  SGD with Nesterov momentum 0.9 and weight decay 5e-4, batch 128,
//             one-cycle learning rate peaking at 0.1, 15 epochs
//
// --no-augmentation and --no-batchnorm take one ingredient out, to see what it
// was doing; --train-images N trains on the first N training images only
// (a quicker way to see overfitting). Defaults read CIFAR-10 from
// /tmp/kindling-data/cifar-10-batches-bin (what ../shared/datasets/unpack-cifar10
// makes). Walkthrough: docs/tutorials/04-cifar10.md. Writes cifar10_*.svg.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "kindling.hpp"

using namespace kindling;

namespace {

// The first `count` samples of `dataset` (all of them when count is 0).
std::shared_ptr<const datasets::Dataset> first_images(std::shared_ptr<const datasets::Dataset> dataset,
                                                      std::int64_t count) {
    if (count <= 0 || count >= dataset->size()) return dataset;
    std::vector<std::int64_t> indices(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<std::int64_t>(i);
    return std::make_shared<datasets::Subset>(dataset, indices);
}

struct Recipe {
    int epochs = 15;
    bool augmentation = true;
    bool batch_norm = true;
    std::int64_t train_images = 0;           // 0 = all 45,000
    std::int64_t max_batches = INT64_MAX;    // --quick stops each epoch early
    std::int64_t evaluation_images = 0;      // --quick evaluates on the first few only; 0 = all
    std::int64_t batch_size = 128;
    double max_learning_rate = 0.1;
    std::string cifar_dir = "/tmp/kindling-data/cifar-10-batches-bin";
};

// [N, 3, 32, 32] -> [N, 32, 16, 16] -> [N, 64, 8, 8] -> [N, 128, 4, 4]
//                -> global average -> [N, 128] -> [N, 10]
// Without BatchNorm the convolutions get their own bias (BatchNorm's shift
// made it redundant).
std::shared_ptr<nn::Sequential> make_network(bool batch_norm, Generator& generator) {
    auto network = std::make_shared<nn::Sequential>();
    std::int64_t channels = 3;
    for (std::int64_t width : {32, 64, 128}) {
        for (int repeat = 0; repeat < 2; ++repeat) {
            network->push_back(std::make_shared<nn::Conv2d>(channels, width, 3, 1, 1, 1, 1, !batch_norm, generator));
            if (batch_norm) network->push_back(std::make_shared<nn::BatchNorm2d>(width));
            network->push_back(std::make_shared<nn::ReLU>());
            channels = width;
        }
        network->push_back(std::make_shared<nn::MaxPool2d>(2));
    }
    network->push_back(std::make_shared<nn::AdaptiveAvgPool2d>(1));
    network->push_back(std::make_shared<nn::Flatten>());
    network->push_back(std::make_shared<nn::Linear>(channels, 10, true, generator));
    return network;
}

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;
    metrics::ConfusionMatrix confusion{10};
};

// Mean loss and accuracy over a whole data set, in eval mode (BatchNorm uses
// its running statistics) and without recording a graph.
Evaluation evaluate(nn::Module& network, const datasets::DataLoader& loader) {
    autograd::NoGradGuard no_grad;
    network.eval();
    Evaluation result;
    double loss_sum = 0.0;
    for (const datasets::Batch& batch : loader.epoch(0)) {
        const Tensor logits = network(batch.inputs);
        loss_sum += nn::functional::cross_entropy(logits, batch.targets).item() * static_cast<double>(batch.targets.numel());
        result.confusion.update(argmax(logits, 1), batch.targets);
    }
    const auto images = static_cast<double>(result.confusion.num_samples());
    result.loss = loss_sum / images;
    result.accuracy = static_cast<double>(result.confusion.correct()) / images;
    return result;
}

// Loss and accuracy curves, train vs validation, one point per epoch.
void plot_curves(const std::vector<metrics::EpochMetrics>& history, const std::string& file_prefix) {
    std::vector<double> epochs, train_loss, validation_loss, train_accuracy, validation_accuracy;
    for (std::size_t i = 0; i < history.size(); ++i) {
        epochs.push_back(static_cast<double>(i + 1));
        train_loss.push_back(history[i].train_loss);
        validation_loss.push_back(history[i].validation_loss);
        train_accuracy.push_back(history[i].train_accuracy);
        validation_accuracy.push_back(history[i].validation_accuracy);
    }
    metrics::LineChart loss;
    loss.title = "CIFAR-10: loss", loss.x_label = "epoch", loss.y_label = "cross-entropy";
    loss.series = {{"train", epochs, train_loss, "", true}, {"validation", epochs, validation_loss, "", true}};
    loss.integer_x = true;
    std::ofstream(file_prefix + "_loss.svg") << metrics::line_chart_svg(loss);
    metrics::LineChart accuracy;
    accuracy.title = "CIFAR-10: accuracy", accuracy.x_label = "epoch", accuracy.y_label = "accuracy";
    accuracy.series = {{"train", epochs, train_accuracy, "", true},
                       {"validation", epochs, validation_accuracy, "", true}};
    accuracy.integer_x = true;
    std::ofstream(file_prefix + "_accuracy.svg") << metrics::line_chart_svg(accuracy);
}

Recipe parse_arguments(int argc, char** argv) {
    Recipe recipe;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--quick") {
            recipe.epochs = 2;
            recipe.max_batches = 3;
            recipe.evaluation_images = 500;
        } else if (argument == "--cifar-dir" && i + 1 < argc) {
            recipe.cifar_dir = argv[++i];
        } else if (argument == "--epochs" && i + 1 < argc) {
            recipe.epochs = std::stoi(argv[++i]);
        } else if (argument == "--train-images" && i + 1 < argc) {
            recipe.train_images = std::stoll(argv[++i]);
        } else if (argument == "--no-augmentation") {
            recipe.augmentation = false;
        } else if (argument == "--no-batchnorm") {
            recipe.batch_norm = false;
        } else {
            std::fprintf(stderr,
                         "usage: %s [--quick] [--cifar-dir DIR] [--epochs N] [--no-augmentation] [--no-batchnorm] "
                         "[--train-images N]\n",
                         argv[0]);
            std::exit(2);
        }
    }
    return recipe;
}

} // namespace

int main(int argc, char** argv) {
    const Recipe recipe = parse_arguments(argc, argv);
    std::shared_ptr<const datasets::Dataset> full_train, test;
    try {
        full_train = datasets::load_cifar10(recipe.cifar_dir, datasets::Split::Train);
        test = datasets::load_cifar10(recipe.cifar_dir, datasets::Split::Test);
    } catch (const datasets::DataNotFoundError& error) {
        std::printf("skipped: %s\n", error.what());
        return 0;
    }
    const std::vector<std::string> class_names = full_train->class_names();

    // Hold out 10% of the training images for validation: the test set is for
    // the final answer only, never for choosing epochs or settings.
    const auto [train, held_out] = datasets::train_validation_split(full_train, 0.1, /*seed=*/42);
    const auto train_used = first_images(train, recipe.train_images);
    const auto validation = first_images(held_out, recipe.evaluation_images);
    test = first_images(test, recipe.evaluation_images);
    std::printf("CIFAR-10: %lld training, %lld validation, %lld test images\n",
                static_cast<long long>(train_used->size()), static_cast<long long>(validation->size()),
                static_cast<long long>(test->size()));
    std::printf("recipe: %d epochs, augmentation %s, BatchNorm %s, %d threads\n\n", recipe.epochs,
                recipe.augmentation ? "on" : "off", recipe.batch_norm ? "on" : "off", get_num_threads());

    // Augmentation makes every epoch see slightly different images: shifted by
    // up to 4 pixels and mirrored. The network cannot memorise pixels it never
    // sees twice, so it has to learn what a cat looks like instead.
    datasets::AugmentOptions augment{.mean = datasets::cifar10_mean, .standard_deviation = datasets::cifar10_std};
    if (recipe.augmentation) {
        augment.crop_size = 32;
        augment.padding = 4;
        augment.flip_probability = 0.5;
    }
    const datasets::AugmentOptions plain{.mean = datasets::cifar10_mean, .standard_deviation = datasets::cifar10_std};
    const datasets::DataLoader train_loader(train_used, std::make_shared<datasets::AugmentPipeline>(augment),
                                            {.batch_size = recipe.batch_size, .shuffle = true, .drop_last = true, .seed = 1});
    const auto plain_pipeline = std::make_shared<datasets::AugmentPipeline>(plain);
    const datasets::DataLoader validation_loader(validation, plain_pipeline, {.batch_size = 500});
    const datasets::DataLoader test_loader(test, plain_pipeline, {.batch_size = 500});

    Generator generator(0);
    manual_seed(0);
    auto network = make_network(recipe.batch_norm, generator);
    // Weight decay pulls every weight towards zero a little each step, another
    // brake on memorisation; Nesterov momentum looks one step ahead.
    nn::SGD optimizer(network->parameters(),
                      {.lr = recipe.max_learning_rate, .momentum = 0.9, .weight_decay = 5e-4, .nesterov = true});
    // One cycle: warm up from max/25 to the peak over the first 30% of the
    // steps, then anneal to almost zero. The high middle explores; the low end
    // settles into a minimum.
    const std::int64_t steps_per_epoch = std::min(recipe.max_batches, train_loader.num_batches());
    nn::OneCycleLR schedule(optimizer, recipe.max_learning_rate, recipe.epochs * steps_per_epoch);

    std::vector<metrics::EpochMetrics> history;
    const auto start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < recipe.epochs; ++epoch) {
        const auto epoch_start = std::chrono::steady_clock::now();
        network->train();
        double loss_sum = 0.0;
        std::int64_t correct = 0, seen = 0, batches = 0;
        for (const datasets::Batch& batch : train_loader.epoch(epoch)) {
            const Tensor logits = (*network)(batch.inputs);
            const Tensor loss = nn::functional::cross_entropy(logits, batch.targets);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            schedule.step();
            const double batch_loss = loss.item();
            if (!std::isfinite(batch_loss)) {
                std::printf("epoch %d batch %lld: the loss is %f — training diverged (too high a learning rate "
                            "for this network?)\n",
                            epoch + 1, static_cast<long long>(batches + 1), batch_loss);
                return 1;
            }
            loss_sum += batch_loss * static_cast<double>(batch.targets.numel());
            correct += static_cast<std::int64_t>(sum(eq(argmax(logits, 1), batch.targets)).item());
            seen += batch.targets.numel();
            if (++batches == recipe.max_batches) break;
        }
        // The training figures are averages over the epoch, measured on
        // augmented images while the weights were still moving; validation is
        // measured once, at the end of the epoch.
        const Evaluation validation_result = evaluate(*network, validation_loader);
        history.push_back({.train_loss = loss_sum / static_cast<double>(seen),
                           .validation_loss = validation_result.loss,
                           .train_accuracy = static_cast<double>(correct) / static_cast<double>(seen),
                           .validation_accuracy = validation_result.accuracy});
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
        std::printf("epoch %2d  train loss %.3f acc %5.1f%%   validation loss %.3f acc %5.1f%%   %5.0f s\n", epoch + 1,
                    history.back().train_loss, 100.0 * history.back().train_accuracy, history.back().validation_loss,
                    100.0 * history.back().validation_accuracy, seconds);
        std::fflush(stdout);
    }
    const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60.0;

    // The test set, once.
    const Evaluation test_result = evaluate(*network, test_loader);
    std::printf("\ntest accuracy %.2f%% (loss %.3f) after %d epochs, %.1f minutes of training\n\n",
                100.0 * test_result.accuracy, test_result.loss, recipe.epochs, minutes);
    std::printf("%s\n%s", metrics::format_confusion_matrix(test_result.confusion, class_names).c_str(),
                metrics::classification_report(test_result.confusion, class_names, 3).c_str());

    // What the curves say, in words.
    const std::vector<metrics::Diagnostic> diagnostics = metrics::detect_overfitting(history);
    std::printf("\ndiagnostics: %s\n", diagnostics.empty() ? "no sign of overfitting" : "");
    for (const metrics::Diagnostic& diagnostic : diagnostics) std::printf("  %s\n", metrics::to_string(diagnostic).c_str());

    std::string prefix = "cifar10";
    if (!recipe.augmentation) prefix += "_no_augmentation";
    if (!recipe.batch_norm) prefix += "_no_batchnorm";
    if (recipe.train_images > 0) prefix += "_" + std::to_string(train_used->size()) + "_images";
    plot_curves(history, prefix);
    std::vector<std::vector<std::int64_t>> counts(10, std::vector<std::int64_t>(10));
    for (std::int64_t truth = 0; truth < 10; ++truth) {
        for (std::int64_t predicted = 0; predicted < 10; ++predicted) {
            counts[truth][predicted] = test_result.confusion.count(truth, predicted);
        }
    }
    std::ofstream(prefix + "_confusion.svg") << metrics::confusion_matrix_svg(counts, class_names, "CIFAR-10 test set");
    std::printf("\nwrote %s_loss.svg, %s_accuracy.svg, %s_confusion.svg\n", prefix.c_str(), prefix.c_str(),
                prefix.c_str());
    return 0;
}
