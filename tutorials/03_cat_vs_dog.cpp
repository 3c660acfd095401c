// Tutorial 3 — Cat vs dog: a binary CNN, its confusion matrix, precision and
// recall, the precision–recall curve, and choosing a decision threshold.
//
// Part 1 trains on the cat and dog classes of CIFAR-10 (32x32 photos).
// Part 2 trains the same network on real photos of any size in an image folder
// (root/train/{cat,dog}/*.jpg and root/val/{cat,dog}/*.jpg), resized to 64x64.
//
//   tutorial_03_cat_vs_dog [--quick] [--cifar-dir DIR] [--photos-dir DIR]
//
// Defaults: CIFAR-10 in /tmp/kindling-data/cifar-10-batches-bin (what
// ../shared/datasets/unpack-cifar10 makes) and photos in
// ../shared/datasets/cats-vs-dogs. A part whose data is missing is skipped.
// Walkthrough: docs/tutorials/03-cat-vs-dog.md. Writes cat_vs_dog_*.svg.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "kindling.hpp"

using namespace kindling;

namespace {

// conv-BN-ReLU x2 then pool, twice, then a linear layer to 2 classes.
// [N, 3, S, S] -> [N, 32, S/2, S/2] -> [N, 64, S/4, S/4] -> global average -> [N, 2]
std::shared_ptr<nn::Sequential> make_network(Generator& generator) {
    auto network = std::make_shared<nn::Sequential>();
    std::int64_t channels = 3;
    for (std::int64_t width : {32, 64}) {
        for (int repeat = 0; repeat < 2; ++repeat) {
            network->push_back(std::make_shared<nn::Conv2d>(channels, width, 3, 1, 1, 1, 1, false, generator));
            network->push_back(std::make_shared<nn::BatchNorm2d>(width));
            network->push_back(std::make_shared<nn::ReLU>());
            channels = width;
        }
        network->push_back(std::make_shared<nn::MaxPool2d>(2));
    }
    network->push_back(std::make_shared<nn::AdaptiveAvgPool2d>(1));
    network->push_back(std::make_shared<nn::Flatten>());
    network->push_back(std::make_shared<nn::Linear>(channels, 2, true, generator));
    return network;
}

// Trains `network` on `train` and returns the test set's dog probabilities
// and true labels (0 = cat, 1 = dog).
metrics::BinaryScores train_and_score(nn::Sequential& network, std::shared_ptr<const datasets::Dataset> train,
                                      std::shared_ptr<const datasets::Dataset> test, const std::vector<float>& mean,
                                      const std::vector<float>& std, int epochs, std::int64_t max_batches) {
    // Augment the training images (random shifts and mirror images: a cat
    // facing left is still a cat); only normalise the test images.
    datasets::AugmentOptions augment;
    augment.crop_size = train->image_shape().height;
    augment.padding = train->image_shape().height / 8;
    augment.flip_probability = 0.5;
    augment.mean = mean;
    augment.standard_deviation = std;
    datasets::AugmentOptions plain;
    plain.mean = mean;
    plain.standard_deviation = std;
    const datasets::DataLoader train_loader(train, std::make_shared<datasets::AugmentPipeline>(augment),
                                            {.batch_size = 64, .shuffle = true, .seed = 1});
    const datasets::DataLoader test_loader(test, std::make_shared<datasets::AugmentPipeline>(plain), {.batch_size = 256});

    const std::int64_t steps = epochs * std::min(max_batches, train_loader.num_batches());
    nn::Adam optimizer(network.parameters(), nn::AdamOptions{.lr = 2e-3});
    nn::OneCycleLR schedule(optimizer, 2e-3, steps);
    for (int epoch = 0; epoch < epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        network.train();
        double loss_sum = 0.0;
        std::int64_t batches = 0;
        for (const datasets::Batch& batch : train_loader.epoch(epoch)) {
            const Tensor loss = nn::functional::cross_entropy(network(batch.inputs), batch.targets);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            schedule.step();
            loss_sum += loss.item();
            if (++batches == max_batches) break;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("   epoch %d  train loss %.4f  (%.1f s)\n", epoch + 1, loss_sum / static_cast<double>(batches), seconds);
    }

    // Score the test set: the softmax probability of "dog" for every image.
    autograd::NoGradGuard no_grad;
    network.eval();
    metrics::BinaryScores dog_scores;
    for (const datasets::Batch& batch : test_loader.epoch(0)) {
        const Tensor dog_probability = nn::functional::softmax(network(batch.inputs), 1).select(1, 1).contiguous();
        dog_scores.update(dog_probability, batch.targets);
    }
    return dog_scores;
}

// The report every binary classifier deserves: confusion matrix and
// precision/recall at the default threshold, the precision–recall curve, and
// the threshold a user who needs 90% precision on "dog" should pick.
void report(const metrics::BinaryScores& scores, const std::string& name) {
    const std::vector<std::string> classes = {"cat", "dog"};
    metrics::ConfusionMatrix confusion(2); // dog when its probability >= 0.5 (the default threshold)
    std::vector<double> probabilities = scores.scores();
    confusion.update(from_vector(probabilities), from_vector(scores.targets()));
    std::printf("\n   test accuracy %.2f%% on %lld images (threshold 0.5)\n",
                100.0 * static_cast<double>(confusion.correct()) / static_cast<double>(confusion.num_samples()),
                static_cast<long long>(confusion.num_samples()));
    std::printf("%s\n%s", metrics::format_confusion_matrix(confusion, classes).c_str(),
                metrics::classification_report(confusion, classes, 3).c_str());

    const metrics::PrecisionRecallCurve curve = scores.precision_recall_curve();
    std::printf("   average precision (dog) %.3f, ROC-AUC %.3f\n", scores.average_precision(), scores.roc_auc());
    // The lowest threshold whose precision reaches 90% keeps the most recall.
    for (std::size_t i = 0; i < curve.thresholds.size(); ++i) {
        if (curve.precision[i] >= 0.9) {
            std::printf("   for 90%% precision on 'dog': threshold %.3f gives recall %.3f\n", curve.thresholds[i],
                        curve.recall[i]);
            break;
        }
    }
    metrics::LineChart chart;
    chart.title = "Cat vs dog (" + name + "): precision-recall for 'dog'";
    chart.x_label = "recall";
    chart.y_label = "precision";
    chart.x_min = 0, chart.x_max = 1, chart.y_min = 0, chart.y_max = 1.02;
    chart.series = {{"test set", curve.recall, curve.precision, "", false}};
    std::ofstream("cat_vs_dog_" + name + "_precision_recall.svg") << metrics::line_chart_svg(chart);
    std::vector<std::vector<std::int64_t>> counts = {{confusion.count(0, 0), confusion.count(0, 1)},
                                                     {confusion.count(1, 0), confusion.count(1, 1)}};
    std::ofstream("cat_vs_dog_" + name + "_confusion.svg")
        << metrics::confusion_matrix_svg(counts, classes, "Cat vs dog (" + name + ")");
}

} // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::string cifar_dir = "/tmp/kindling-data/cifar-10-batches-bin";
    std::string photos_dir = std::string(KINDLING_SHARED_DIR) + "/datasets/cats-vs-dogs";
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--quick") quick = true;
        else if (argument == "--cifar-dir" && i + 1 < argc) cifar_dir = argv[++i];
        else if (argument == "--photos-dir" && i + 1 < argc) photos_dir = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--quick] [--cifar-dir DIR] [--photos-dir DIR]\n", argv[0]);
            return 2;
        }
    }
    const int epochs = quick ? 1 : 15;
    const std::int64_t max_batches = quick ? 3 : INT64_MAX;

    std::printf("Part 1: the cat and dog classes of CIFAR-10\n\n");
    try {
        const auto cifar_train = datasets::load_cifar10(cifar_dir, datasets::Split::Train);
        const auto cifar_test = datasets::load_cifar10(cifar_dir, datasets::Split::Test);
        // Keep only cats and dogs, relabelled cat = 0, dog = 1.
        const auto train = datasets::select_classes(*cifar_train, {"cat", "dog"});
        const auto test = datasets::select_classes(*cifar_test, {"cat", "dog"});
        std::printf("   %lld training and %lld test images\n", static_cast<long long>(train->size()),
                    static_cast<long long>(test->size()));
        Generator generator(0);
        auto network = make_network(generator);
        report(train_and_score(*network, train, test, datasets::cifar10_mean, datasets::cifar10_std, epochs, max_batches),
               "cifar10");
    } catch (const datasets::DataNotFoundError& error) {
        std::printf("   skipped: %s\n", error.what());
    }

    std::printf("\nPart 2: real photos of any size, resized to 64x64\n\n");
    if (!std::filesystem::is_directory(photos_dir + "/train")) {
        std::printf("   skipped: no folder %s/train (give --photos-dir ROOT with ROOT/train/{cat,dog})\n", photos_dir.c_str());
        return 0;
    }
    // Decoding a JPEG is slow; the cache keeps each decoded, resized photo.
    datasets::ImageFolderOptions folder{.height = 64, .width = 64, .cache = true};
    auto train = std::make_shared<datasets::ImageFolder>(photos_dir + "/train", folder);
    auto test = std::make_shared<datasets::ImageFolder>(photos_dir + "/val", folder);
    std::printf("   %lld training and %lld validation photos, classes %s and %s\n", static_cast<long long>(train->size()),
                static_cast<long long>(test->size()), train->class_names()[0].c_str(), train->class_names()[1].c_str());
    // Normalise with the statistics of these photos, not CIFAR-10's.
    const datasets::ChannelStatistics statistics = datasets::channel_statistics(*train);
    const std::vector<float> mean(statistics.mean.begin(), statistics.mean.end());
    const std::vector<float> std(statistics.standard_deviation.begin(), statistics.standard_deviation.end());
    Generator generator(0);
    auto network = make_network(generator);
    report(train_and_score(*network, train, test, mean, std, quick ? 1 : 30, max_batches), "photos");
    return 0;
}
