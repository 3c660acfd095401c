// DataLoader: batch shapes, determinism across worker counts, shuffling,
// early shutdown and worker errors.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "autograd/grad_mode.hpp"
#include "datasets/dataloader.hpp"
#include "test_files.hpp"

using namespace kindling;
using namespace kindling::datasets;
using kindling::datasets::testing::error_of;

namespace {

// n 6x6 RGB images; image i is filled with a pattern that starts at i, label i % 3.
std::shared_ptr<InMemoryDataset> counting_dataset(std::int64_t n) {
    std::vector<std::uint8_t> pixels;
    std::vector<std::int64_t> labels;
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t p = 0; p < 6 * 6 * 3; ++p) pixels.push_back(static_cast<std::uint8_t>((i + p * 7) % 256));
        labels.push_back(i % 3);
    }
    return std::make_shared<InMemoryDataset>(ImageShape{6, 6, 3}, std::move(pixels), std::move(labels),
                                             std::vector<std::string>{"a", "b", "c"});
}

std::shared_ptr<AugmentPipeline> augmentation() {
    return std::make_shared<AugmentPipeline>(AugmentOptions{
        .crop_size = 4, .padding = 1, .flip_probability = 0.5, .mean = {0.5f, 0.5f, 0.5f},
        .standard_deviation = {0.25f, 0.25f, 0.25f}});
}

// Every batch of an epoch, images and labels flattened, for comparisons.
std::vector<std::pair<std::vector<float>, std::vector<std::int64_t>>> collect(const DataLoader& loader,
                                                                               std::int64_t epoch) {
    std::vector<std::pair<std::vector<float>, std::vector<std::int64_t>>> batches;
    for (const Batch& batch : loader.epoch(epoch)) {
        batches.emplace_back(batch.images.to_vector<float>(), batch.labels.to_vector<std::int64_t>());
    }
    return batches;
}

// A dataset whose image `bad_index` cannot be read, like a corrupt JPEG.
class FailingDataset : public InMemoryDataset {
public:
    FailingDataset(const InMemoryDataset& base, std::int64_t bad_index)
        : InMemoryDataset(base.image_shape(), base.pixels(), base.labels(), base.class_names()), bad_index_(bad_index) {}
    ImageView image(std::int64_t index, std::vector<std::uint8_t>& scratch) const override {
        if (index == bad_index_) throw std::runtime_error("cannot decode image " + std::to_string(index));
        return InMemoryDataset::image(index, scratch);
    }

private:
    std::int64_t bad_index_;
};

} // namespace

TEST(DataLoader, BatchesHaveShapesDtypesAndLabels) {
    const auto dataset = counting_dataset(10);
    const DataLoader loader(dataset, std::make_shared<TransformPipeline>(), {.batch_size = 4});
    EXPECT_EQ(loader.num_batches(), 3);
    std::vector<std::int64_t> sizes, labels;
    for (const Batch& batch : loader.epoch(0)) {
        EXPECT_EQ(batch.images.dtype(), DType::Float32);
        EXPECT_EQ(batch.labels.dtype(), DType::Int64);
        EXPECT_EQ(batch.images.size(1), 3);
        EXPECT_EQ(batch.images.size(2), 6);
        sizes.push_back(batch.images.size(0));
        for (const auto label : batch.labels.to_vector<std::int64_t>()) labels.push_back(label);
    }
    EXPECT_EQ(sizes, (std::vector<std::int64_t>{4, 4, 2}));
    EXPECT_EQ(labels, (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
    // Without shuffling, sample 5 is the second image of batch 1, as to_tensor made it.
    auto epoch = loader.epoch(0);
    epoch.next();
    const Batch second = *epoch.next();
    EXPECT_FLOAT_EQ(static_cast<float>(second.images.at({1, 2, 3, 4})), dataset->image(5).at(3, 4, 2) / 255.0f);

    const DataLoader dropping(dataset, std::make_shared<TransformPipeline>(), {.batch_size = 4, .drop_last = true});
    EXPECT_EQ(dropping.num_batches(), 2);
    EXPECT_EQ(collect(dropping, 0).size(), 2u);
}

TEST(DataLoader, SameSeedSameBatchesRegardlessOfWorkerCount) {
    const auto dataset = counting_dataset(37);
    DataLoaderOptions options{.batch_size = 5, .shuffle = true, .seed = 1234, .num_workers = 0};
    const auto reference = collect(DataLoader(dataset, augmentation(), options), 3);
    ASSERT_EQ(reference.size(), 8u);
    for (const int workers : {1, 2, 3}) {
        options.num_workers = workers;
        EXPECT_EQ(collect(DataLoader(dataset, augmentation(), options), 3), reference) << workers << " workers";
    }
    options.seed = 1235;
    EXPECT_NE(collect(DataLoader(dataset, augmentation(), options), 3), reference);
}

TEST(DataLoader, ShuffleChangesEachEpochAndVisitsEverySampleOnce) {
    const auto dataset = counting_dataset(50);
    const DataLoader loader(dataset, std::make_shared<TransformPipeline>(), {.batch_size = 8, .shuffle = true, .seed = 7});
    const auto order_0 = loader.sample_order(0), order_1 = loader.sample_order(1);
    EXPECT_NE(order_0, order_1);
    EXPECT_EQ(loader.sample_order(0), order_0);
    EXPECT_EQ(std::set<std::int64_t>(order_0.begin(), order_0.end()).size(), 50u);
    // The batches follow the order: batch 0's labels are those of the first 8 indices.
    const Batch first = *loader.epoch(1).next();
    for (std::int64_t i = 0; i < 8; ++i) EXPECT_EQ(first.labels.at({i}), order_1[static_cast<std::size_t>(i)] % 3);
}

TEST(DataLoader, StopsCleanlyMidEpoch) {
    const auto dataset = counting_dataset(400);
    const DataLoader loader(dataset, augmentation(), {.batch_size = 2, .shuffle = true, .num_workers = 2});
    int seen = 0;
    for (const Batch& batch : loader.epoch(0)) {
        EXPECT_EQ(batch.index, seen);
        if (++seen == 3) break; // the Epoch's destructor stops and joins the workers
    }
    EXPECT_EQ(seen, 3);
    { auto untouched = loader.epoch(1); } // started and dropped at once
    auto moved_from = loader.epoch(2);
    auto moved_to = std::move(moved_from);
    EXPECT_TRUE(moved_to.next().has_value());
}

TEST(DataLoader, WorkerErrorIsRethrownAtThatBatch) {
    const auto good = counting_dataset(12);
    const auto failing = std::make_shared<FailingDataset>(*good, 9);
    const DataLoader loader(failing, std::make_shared<TransformPipeline>(), {.batch_size = 4, .num_workers = 2});
    auto epoch = loader.epoch(0);
    EXPECT_TRUE(epoch.next().has_value());
    EXPECT_TRUE(epoch.next().has_value());
    const std::string message = error_of([&] { epoch.next(); });
    EXPECT_EQ(message, "cannot decode image 9");
    EXPECT_FALSE(epoch.next().has_value());
}

TEST(DataLoader, WorkersRecordNoAutogradHistory) {
    // A pipeline that reports the grad mode it runs under.
    struct GradModeProbe : TransformPipeline {
        mutable std::atomic<int> runs_with_grad{0};
        void run(const ImageView& image, Generator& generator, float* output) const override {
            runs_with_grad += autograd::is_grad_enabled();
            TransformPipeline::run(image, generator, output);
        }
    };
    const auto probe = std::make_shared<GradModeProbe>();
    const DataLoader loader(counting_dataset(8), probe, {.batch_size = 4, .num_workers = 2});
    EXPECT_EQ(collect(loader, 0).size(), 2u);
    EXPECT_EQ(probe->runs_with_grad.load(), 0);
}

TEST(DataLoader, RejectsBadOptions) {
    const auto dataset = counting_dataset(4);
    EXPECT_THROW(DataLoader(dataset, augmentation(), {.batch_size = 0}), std::invalid_argument);
    EXPECT_THROW(DataLoader(dataset, augmentation(), {.num_workers = -1}), std::invalid_argument);
    EXPECT_THROW(DataLoader(dataset, nullptr), std::invalid_argument);
}
