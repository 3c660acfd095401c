// The examples in docs/datasets.md, between "// [doc:NAME]" markers, compiled
// and run here so they cannot rot; DatasetsDoc.QuotesTheseExamplesVerbatim
// fails when the page no longer quotes them exactly. The CIFAR-10 example runs
// on a small fake CIFAR-10 folder written by the test; the real folder works
// the same way.
#include <gtest/gtest.h>

#include "kindling.hpp"
#include "test_files.hpp"
#include "test_support.hpp"

using namespace kindling;
using namespace kindling::datasets::testing;

TEST(DocsExample, CatVersusDogTrainingLoop) {
    TempDir data;
    for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                             "data_batch_5.bin", "test_batch.bin"}) {
        std::vector<std::uint8_t> bytes;
        for (int r = 0; r < 40; ++r) append_cifar_record(bytes, r % 10, r);
        write_bytes(data / name, bytes);
    }
    const std::string names = cifar_class_names_text;
    write_bytes(data / "batches.meta.txt", std::vector<std::uint8_t>(names.begin(), names.end()));
    const std::filesystem::path cifar_folder = data.path();
    std::int64_t images_seen = 0;

    // [doc:cat-vs-dog]
    using namespace kindling::datasets;
    // CIFAR-10 cats (label 0) and dogs (label 1), 10% of training held out for validation.
    const auto train_all = select_classes(*load_cifar10(cifar_folder, Split::Train), {"cat", "dog"});
    const auto [train, validation] = train_validation_split(train_all, 0.1, /*seed=*/42);

    // RandomCrop(32, padding 4) + RandomHorizontalFlip + Normalize, fused into one pass.
    const auto augment = std::make_shared<AugmentPipeline>(AugmentOptions{
        .crop_size = 32, .padding = 4, .flip_probability = 0.5,
        .mean = cifar10_mean, .standard_deviation = cifar10_std});
    const auto plain = std::make_shared<AugmentPipeline>(
        AugmentOptions{.mean = cifar10_mean, .standard_deviation = cifar10_std});

    DataLoader train_loader(train, augment, {.batch_size = 16, .shuffle = true, .seed = 42});
    const DataLoader validation_loader(validation, plain, {.batch_size = 64});

    for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
        // Each pass over the loader is the next epoch: a new order and new augmentations.
        for (auto& [images, labels] : train_loader) {
            // images: float32 [16, 3, 32, 32], labels: int64 [16] (the last batch may be smaller);
            // the forward pass, loss, backward and optimizer step go here.
            images_seen += images.size(0);
        }
    }
    // No validation image may also be a training image.
    const auto leaked = leaked_indices(*validation, *train);
    // [doc:cat-vs-dog]

    EXPECT_EQ(train_all->size(), 40);                       // 4 cats + 4 dogs in each of 5 batches
    EXPECT_EQ(train->size() + validation->size(), 40);
    EXPECT_EQ(images_seen, 2 * train->size());
    EXPECT_EQ(train_loader.next_epoch_index(), 2);
    const Batch first = *validation_loader.epoch(0).next();
    EXPECT_EQ(first.inputs.shape(), (Shape{validation->size(), 3, 32, 32}));
    // The fake batches repeat their 40 records, so images do recur across the split.
    EXPECT_FALSE(leaked.empty());
}

TEST(DocsExample, TensorDatasetForRegressionAndSegmentation) {
    Generator generator(0);
    std::int64_t samples_seen = 0;
    Shape mask_batch_shape;

    // [doc:tensor-dataset]
    using namespace kindling::datasets;
    // Regression: 1000 samples of 8 features and one float target each.
    const Tensor features = randn({1000, 8}, generator); // float32 [1000, 8]
    const Tensor prices = randn({1000, 1}, generator);   // float32 [1000, 1]
    DataLoader loader(TensorDataset(features, prices), {.batch_size = 100, .shuffle = true, .seed = 1});
    for (int epoch = 0; epoch < 3; ++epoch) {
        for (auto& [x, y] : loader) { // x: [100, 8], y: [100, 1]
            // the forward pass, loss (say mse_loss(model(x), y)), backward and optimizer step go here.
            samples_seen += x.size(0);
        }
    }

    // Segmentation: images with a class index per pixel.
    const Tensor images = rand({64, 1, 28, 28}, generator);     // float32 [64, 1, 28, 28]
    const Tensor masks = randint(0, 3, {64, 28, 28}, generator); // int64 [64, 28, 28]
    DataLoader segmentation_loader(TensorDataset(images, masks), {.batch_size = 32, .shuffle = true});
    for (auto& [x, y] : segmentation_loader) { // x: float32 [32, 1, 28, 28], y: int64 [32, 28, 28]
        mask_batch_shape = y.shape();
    }
    // [doc:tensor-dataset]

    EXPECT_EQ(samples_seen, 3 * 1000);
    EXPECT_EQ(loader.next_epoch_index(), 3);
    EXPECT_EQ(mask_batch_shape, (Shape{32, 28, 28}));
}

TEST(DatasetsDoc, QuotesTheseExamplesVerbatim) {
    const auto snippets = kindling::testing::doc_snippets_in("tests/datasets/docs_example_test.cpp");
    ASSERT_EQ(snippets.size(), 2u);
    const std::string page = kindling::testing::read_source_file("docs/datasets.md");
    for (const auto& [name, code] : snippets) {
        EXPECT_NE(page.find("```cpp\n" + code + "```"), std::string::npos)
            << "docs/datasets.md must quote snippet '" << name << "' exactly:\n" << code;
    }
}
