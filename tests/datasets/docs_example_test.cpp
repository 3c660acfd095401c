// The example in docs/datasets.md, compiled and run here so it cannot rot. It
// runs on a small fake CIFAR-10 folder written by the test; the real folder
// works the same way.
#include <gtest/gtest.h>

#include "kindling.hpp"
#include "test_files.hpp"

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

    // --- docs/datasets.md: example begins ---
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

    const DataLoader train_loader(train, augment, {.batch_size = 16, .shuffle = true, .seed = 42});
    const DataLoader validation_loader(validation, plain, {.batch_size = 64});

    for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
        for (const Batch& batch : train_loader.epoch(epoch)) {
            // batch.inputs: float32 [16, 3, 32, 32], batch.targets: int64 [16] (the last may be smaller);
            // the forward pass, loss, backward and optimizer step go here.
            images_seen += batch.inputs.size(0);
        }
    }
    // No validation image may also be a training image.
    const auto leaked = leaked_indices(*validation, *train);
    // --- docs/datasets.md: example ends ---

    EXPECT_EQ(train_all->size(), 40);                       // 4 cats + 4 dogs in each of 5 batches
    EXPECT_EQ(train->size() + validation->size(), 40);
    EXPECT_EQ(images_seen, 2 * train->size());
    const Batch first = *validation_loader.epoch(0).next();
    EXPECT_EQ(first.inputs.shape(), (Shape{validation->size(), 3, 32, 32}));
    // The fake batches repeat their 40 records, so images do recur across the split.
    EXPECT_FALSE(leaked.empty());
}
