// The loaders on the real data sets: CIFAR-10 and the cat/dog photos from
// ../shared/datasets, Fashion-MNIST from Debian's package. Each test skips,
// saying why, when its data is absent.
#include <gtest/gtest.h>

#include "datasets/cifar10.hpp"
#include "datasets/dataloader.hpp"
#include "datasets/image_folder.hpp"
#include "datasets/leakage.hpp"
#include "datasets/mnist.hpp"
#include "datasets/statistics.hpp"
#include "datasets/transforms.hpp"
#include "test_files.hpp"

using namespace kindling::datasets;
using namespace kindling::datasets::testing;

namespace {

std::vector<std::int64_t> class_counts(const Dataset& dataset) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(dataset.num_classes()), 0);
    for (std::int64_t i = 0; i < dataset.size(); ++i) ++counts[static_cast<std::size_t>(dataset.label(i))];
    return counts;
}

} // namespace

TEST(RealCifar10, ClassCountsMeanAndDisjointSplits) {
    const auto folder = real_cifar10_dir();
    if (!folder) GTEST_SKIP() << "CIFAR-10 not available (../shared/datasets/unpack-cifar10 absent or failed)";
    const auto train = load_cifar10(*folder, Split::Train);
    const auto test = load_cifar10(*folder, Split::Test);
    EXPECT_EQ(train->class_names()[3], "cat");
    EXPECT_EQ(class_counts(*train), std::vector<std::int64_t>(10, 5000));
    EXPECT_EQ(class_counts(*test), std::vector<std::int64_t>(10, 1000));

    // The published statistics, to 4 decimals (and the constants Normalize uses).
    const ChannelStatistics statistics = channel_statistics(*train);
    const std::vector<double> published_mean = {0.4914, 0.4822, 0.4465}, published_std = {0.2470, 0.2435, 0.2616};
    for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_NEAR(statistics.mean[c], published_mean[c], 5e-5) << "channel " << c;
        EXPECT_NEAR(statistics.standard_deviation[c], published_std[c], 5e-5) << "channel " << c;
        EXPECT_NEAR(cifar10_mean[c], statistics.mean[c], 5e-5);
        EXPECT_NEAR(cifar10_std[c], statistics.standard_deviation[c], 5e-5);
    }
    const auto test_statistics = channel_statistics(*test);
    EXPECT_NEAR(test_statistics.mean[0], 0.4942, 5e-5);

    const auto cats_and_dogs = select_classes(*train, {"cat", "dog"});
    EXPECT_EQ(class_counts(*cats_and_dogs), (std::vector<std::int64_t>{5000, 5000}));

    // CIFAR-10's test set shares no exact duplicate with its training set.
    EXPECT_TRUE(find_cross_split_duplicates(*train, *test).empty());
}

TEST(RealCatsVsDogs, LoadsAll1200Photos) {
    const auto root = real_cats_vs_dogs_dir();
    if (!std::filesystem::exists(root)) GTEST_SKIP() << root << " absent";
    std::int64_t total = 0;
    for (const char* split : {"train", "val"}) {
        const auto folder = std::make_shared<ImageFolder>(root / split, ImageFolderOptions{.height = 32, .width = 32});
        EXPECT_EQ(folder->class_names(), (std::vector<std::string>{"cat", "dog"}));
        EXPECT_TRUE(folder->skipped().empty());
        // Decode every photo through the loader, two workers.
        const DataLoader loader(folder, std::make_shared<TransformPipeline>(), {.batch_size = 50, .num_workers = 2});
        std::vector<std::int64_t> per_class(2, 0);
        for (const Batch& batch : loader.epoch(0)) {
            EXPECT_EQ(batch.inputs.size(1), 3);
            for (const auto label : batch.targets.to_vector<std::int64_t>()) ++per_class[static_cast<std::size_t>(label)];
            total += batch.inputs.size(0);
        }
        EXPECT_EQ(per_class[0], per_class[1]) << split;
    }
    EXPECT_EQ(total, 1200);
}

TEST(RealFashionMnist, CountsClassNamesAndMean) {
    if (!std::filesystem::exists(std::filesystem::path(default_fashion_mnist_dir) / "train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << default_fashion_mnist_dir << " absent: apt-get install dataset-fashion-mnist";
    const auto train = load_fashion_mnist(Split::Train);
    const auto test = load_fashion_mnist(Split::Test);
    EXPECT_EQ(train->size(), 60000);
    EXPECT_EQ(test->size(), 10000);
    EXPECT_EQ(train->image_shape(), (ImageShape{28, 28, 1}));
    EXPECT_EQ(class_counts(*train), std::vector<std::int64_t>(10, 6000));
    EXPECT_EQ(train->class_names()[9], "Ankle boot");
    const auto statistics = channel_statistics(*train);
    EXPECT_NEAR(statistics.mean[0], fashion_mnist_mean[0], 5e-5);
    EXPECT_NEAR(statistics.standard_deviation[0], fashion_mnist_std[0], 5e-5);
}
