#include "cli/data_sources.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "datasets/cifar10.hpp"
#include "datasets/data_files.hpp"
#include "datasets/image_folder.hpp"
#include "datasets/mnist.hpp"
#include "datasets/statistics.hpp"
#include "datasets/transforms.hpp"

namespace kindling::cli {

namespace {

namespace fs = std::filesystem;
using datasets::AugmentOptions;
using datasets::AugmentPipeline;

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, ',');) {
        if (!part.empty()) parts.push_back(part);
    }
    return parts;
}

std::shared_ptr<const datasets::SamplePipeline> augmenting_pipeline(const DataSources& data, bool augment) {
    AugmentOptions options;
    options.mean = data.mean;
    options.standard_deviation = data.standard_deviation;
    if (augment) {
        // Shift by up to image_size/8 pixels and mirror: the classic CIFAR-10 recipe.
        options.crop_size = data.image_size;
        options.padding = data.image_size / 8;
        options.flip_probability = 0.5;
    }
    return std::make_shared<AugmentPipeline>(options);
}

std::vector<float> to_floats(const std::vector<double>& values) { return {values.begin(), values.end()}; }

// A channel with the same value in every pixel has standard deviation 0;
// dividing by it would give NaN, so such a channel is only centred.
std::vector<float> usable_deviations(const std::vector<double>& deviations) {
    std::vector<float> result;
    for (double deviation : deviations) result.push_back(deviation > 1e-6 ? static_cast<float>(deviation) : 1.0f);
    return result;
}

// Holds out a validation part of `train_and_validation` (seeded), so the test
// set is only ever used once, at the end.
void split_off_validation(DataSources& data, std::shared_ptr<const datasets::Dataset> train_and_validation,
                          const DataOptions& options) {
    auto [train, validation] = datasets::train_validation_split(train_and_validation, options.validation_fraction,
                                                                options.seed);
    data.train = train;
    data.validation = validation;
}

} // namespace

std::shared_ptr<const datasets::SamplePipeline> normalizing_pipeline(const std::vector<float>& mean,
                                                                     const std::vector<float>& standard_deviation) {
    AugmentOptions options;
    options.mean = mean;
    options.standard_deviation = standard_deviation;
    return std::make_shared<AugmentPipeline>(options);
}

DataSources load_data_sources(const DataOptions& options) {
    DataSources data;
    const std::string& name = options.dataset;
    bool colour_augmentation = false;

    if (name == "fashion-mnist") {
        const fs::path folder = options.data_dir.empty() ? fs::path(datasets::default_fashion_mnist_dir) : fs::path(options.data_dir);
        split_off_validation(data, datasets::load_fashion_mnist(datasets::Split::Train, folder), options);
        data.test = datasets::load_fashion_mnist(datasets::Split::Test, folder);
        data.mean = datasets::fashion_mnist_mean;
        data.standard_deviation = datasets::fashion_mnist_std;
    } else if (name == "cifar10" || name.rfind("cifar10:", 0) == 0) {
        if (options.data_dir.empty()) {
            throw datasets::DataNotFoundError("the CIFAR-10 folder (there is no default: pass --data-dir)",
                                              datasets::how_to_get_cifar10());
        }
        std::shared_ptr<datasets::InMemoryDataset> train = datasets::load_cifar10(options.data_dir, datasets::Split::Train);
        std::shared_ptr<datasets::InMemoryDataset> test = datasets::load_cifar10(options.data_dir, datasets::Split::Test);
        if (name != "cifar10") {
            const std::vector<std::string> classes = split_commas(name.substr(std::string("cifar10:").size()));
            if (classes.size() < 2) {
                throw std::invalid_argument("--dataset " + name + ": name at least two CIFAR-10 classes, e.g. cifar10:cat,dog");
            }
            train = datasets::select_classes(*train, classes);
            test = datasets::select_classes(*test, classes);
        }
        split_off_validation(data, train, options);
        data.test = test;
        data.mean = datasets::cifar10_mean;
        data.standard_deviation = datasets::cifar10_std;
        colour_augmentation = true;
    } else if (name.rfind("folder:", 0) == 0) {
        const fs::path root = name.substr(std::string("folder:").size());
        if (!fs::is_directory(root)) {
            throw datasets::DataNotFoundError("image folder " + root.string(),
                                              "Point --dataset folder:PATH at a folder with one sub-folder per class.");
        }
        datasets::ImageFolderOptions folder_options;
        folder_options.height = folder_options.width = options.image_size.value_or(64);
        folder_options.cache = true; // decode each photo once, not once per epoch
        // PATH/train + PATH/val (or PATH/test), as in ../shared/datasets/cats-vs-dogs.
        const fs::path held_out = fs::is_directory(root / "val") ? root / "val" : root / "test";
        std::shared_ptr<const datasets::Dataset> train_and_validation;
        if (fs::is_directory(root / "train") && fs::is_directory(held_out)) {
            train_and_validation = std::make_shared<datasets::ImageFolder>(root / "train", folder_options);
            data.test = std::make_shared<datasets::ImageFolder>(held_out, folder_options);
        } else {
            auto everything = std::make_shared<datasets::ImageFolder>(root, folder_options);
            const std::int64_t test_count = everything->size() / 5;
            auto parts = datasets::random_split(everything, {everything->size() - test_count, test_count}, options.seed);
            train_and_validation = parts[0];
            data.test = parts[1];
        }
        split_off_validation(data, train_and_validation, options);
        const datasets::ChannelStatistics statistics = datasets::channel_statistics(*data.train);
        data.mean = to_floats(statistics.mean);
        data.standard_deviation = usable_deviations(statistics.standard_deviation);
        colour_augmentation = true;
    } else {
        throw std::invalid_argument("unknown dataset '" + name +
                                    "' (expected fashion-mnist, cifar10, cifar10:CLASS,CLASS,... or folder:PATH)");
    }

    data.name = name;
    data.class_names = data.train->class_names();
    const datasets::ImageShape shape = data.train->image_shape();
    data.channels = shape.channels;
    data.image_size = shape.height;
    data.train_pipeline = augmenting_pipeline(data, colour_augmentation && options.augment);
    data.eval_pipeline = normalizing_pipeline(data.mean, data.standard_deviation);
    return data;
}

} // namespace kindling::cli
