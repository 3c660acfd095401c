// DataLoader: batch shapes, determinism across worker counts, shuffling,
// early shutdown and worker errors, over images and over a TensorDataset;
// range-for over a loader (one epoch per pass) and structured bindings.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <numeric>
#include <set>
#include <type_traits>

#include "autograd/grad_mode.hpp"
#include "datasets/dataloader.hpp"
#include "tensor/ops.hpp"
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
        batches.emplace_back(batch.inputs.to_vector<float>(), batch.targets.to_vector<std::int64_t>());
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
        EXPECT_EQ(batch.inputs.dtype(), DType::Float32);
        EXPECT_EQ(batch.targets.dtype(), DType::Int64);
        EXPECT_EQ(batch.inputs.size(1), 3);
        EXPECT_EQ(batch.inputs.size(2), 6);
        sizes.push_back(batch.inputs.size(0));
        for (const auto label : batch.targets.to_vector<std::int64_t>()) labels.push_back(label);
    }
    EXPECT_EQ(sizes, (std::vector<std::int64_t>{4, 4, 2}));
    EXPECT_EQ(labels, (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
    // Without shuffling, sample 5 is the second image of batch 1, as to_tensor made it.
    auto epoch = loader.epoch(0);
    epoch.next();
    const Batch second = *epoch.next();
    EXPECT_FLOAT_EQ(static_cast<float>(second.inputs.at({1, 2, 3, 4})), dataset->image(5).at(3, 4, 2) / 255.0f);

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
    for (std::int64_t i = 0; i < 8; ++i) EXPECT_EQ(first.targets.at({i}), order_1[static_cast<std::size_t>(i)] % 3);
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

// --- over a TensorDataset ----------------------------------------------------------

namespace {

// Sample i of an n-sample dataset: features [i, -i] (float32), a float target
// 0.5 i, a mask [2, 2] of int64 i, and its id i (int64), so every batch says
// which samples it holds.
TensorDataset numbered_tensors(std::int64_t n) {
    const Tensor ids = arange(n);
    const Tensor ids_float = ids.to(DType::Float32);
    return TensorDataset({stack({ids_float, ids_float * -1.0}, 1), ids_float * 0.5,
                          ids.reshape({n, 1, 1}).expand({n, 2, 2}), ids});
}

// The ids of every sample of every batch of one pass (the last tensor of numbered_tensors).
std::vector<std::vector<std::int64_t>> ids_per_batch(Epoch epoch) {
    std::vector<std::vector<std::int64_t>> batches;
    for (const Batch& batch : epoch) batches.push_back(batch.extra.back().to_vector<std::int64_t>());
    return batches;
}

} // namespace

TEST(DataLoaderOverTensors, BatchesGatherRowsOfEveryDtype) {
    DataLoader loader(numbered_tensors(10), {.batch_size = 4});
    EXPECT_EQ(loader.num_samples(), 10);
    EXPECT_EQ(loader.num_batches(), 3);
    std::vector<std::int64_t> sizes;
    for (const Batch& batch : loader.epoch(0)) {
        const std::int64_t size = batch.inputs.size(0);
        sizes.push_back(size);
        EXPECT_EQ(batch.inputs.shape(), (Shape{size, 2}));
        EXPECT_EQ(batch.inputs.dtype(), DType::Float32);
        EXPECT_EQ(batch.targets.shape(), (Shape{size}));
        EXPECT_EQ(batch.targets.dtype(), DType::Float32);
        ASSERT_EQ(batch.extra.size(), 2u);
        EXPECT_EQ(batch.extra[0].shape(), (Shape{size, 2, 2}));
        EXPECT_EQ(batch.extra[0].dtype(), DType::Int64);
        const std::vector<std::int64_t> ids = batch.extra[1].to_vector<std::int64_t>();
        for (std::int64_t i = 0; i < size; ++i) {
            const auto id = static_cast<double>(ids[static_cast<std::size_t>(i)]);
            EXPECT_EQ(batch.inputs.at({i, 1}), -id);
            EXPECT_EQ(batch.targets.at({i}), 0.5 * id);
            EXPECT_EQ(batch.extra[0].at({i, 1, 0}), id);
        }
    }
    EXPECT_EQ(sizes, (std::vector<std::int64_t>{4, 4, 2}));
    EXPECT_EQ(ids_per_batch(loader.epoch(0)),
              (std::vector<std::vector<std::int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));

    DataLoader dropping(numbered_tensors(10), {.batch_size = 4, .drop_last = true});
    EXPECT_EQ(dropping.num_batches(), 2);
    EXPECT_EQ(ids_per_batch(dropping.epoch(0)).size(), 2u);
}

TEST(DataLoaderOverTensors, OneTensorGivesInputsOnly) {
    DataLoader loader(TensorDataset({arange(0.0, 6.0).reshape({3, 2})}), {.batch_size = 2, .num_workers = 0});
    const Batch first = *loader.epoch(0).next();
    EXPECT_EQ(first.inputs.shape(), (Shape{2, 2}));
    EXPECT_FALSE(first.targets.defined());
    EXPECT_TRUE(first.extra.empty());
}

TEST(DataLoaderOverTensors, ShuffleVisitsEverySampleOncePerEpochReproduciblyPerSeed) {
    const DataLoaderOptions options{.batch_size = 8, .shuffle = true, .seed = 11};
    DataLoader loader(numbered_tensors(50), options);
    std::vector<std::vector<std::int64_t>> epochs;
    for (std::int64_t e = 0; e < 3; ++e) {
        std::vector<std::int64_t> order;
        for (const auto& ids : ids_per_batch(loader.epoch(e))) order.insert(order.end(), ids.begin(), ids.end());
        EXPECT_EQ(order, loader.sample_order(e));
        std::vector<std::int64_t> sorted = order;
        std::sort(sorted.begin(), sorted.end());
        std::vector<std::int64_t> every(50);
        std::iota(every.begin(), every.end(), 0);
        EXPECT_EQ(sorted, every) << "epoch " << e << " must visit each sample exactly once";
        epochs.push_back(order);
    }
    EXPECT_NE(epochs[0], epochs[1]);
    EXPECT_NE(epochs[1], epochs[2]);
    EXPECT_EQ(ids_per_batch(DataLoader(numbered_tensors(50), options).epoch(2)), ids_per_batch(loader.epoch(2)));
    DataLoaderOptions other_seed = options;
    other_seed.seed = 12;
    EXPECT_NE(ids_per_batch(DataLoader(numbered_tensors(50), other_seed).epoch(2)), ids_per_batch(loader.epoch(2)));
}

TEST(DataLoaderOverTensors, SameBatchesRegardlessOfWorkerCount) {
    DataLoaderOptions options{.batch_size = 6, .shuffle = true, .seed = 5, .num_workers = 0};
    const auto all_tensors = [](Epoch epoch) {
        std::vector<std::vector<double>> values;
        for (const Batch& batch : epoch) {
            for (const Tensor& t : {batch.inputs, batch.targets, batch.extra[0], batch.extra[1]}) {
                values.push_back(t.to_vector<double>());
            }
        }
        return values;
    };
    const auto reference = all_tensors(DataLoader(numbered_tensors(31), options).epoch(1));
    ASSERT_EQ(reference.size(), 4u * 6u);
    for (const int workers : {1, 2, 3}) {
        options.num_workers = workers;
        EXPECT_EQ(all_tensors(DataLoader(numbered_tensors(31), options).epoch(1)), reference) << workers << " workers";
    }
}

// --- range-for over the loader and structured bindings ------------------------------

TEST(DataLoaderRangeFor, EachPassIsTheNextEpoch) {
    DataLoader loader(numbered_tensors(20), {.batch_size = 7, .shuffle = true, .seed = 3, .num_workers = 2});
    EXPECT_EQ(loader.next_epoch_index(), 0);
    std::vector<std::vector<std::int64_t>> passes;
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<std::int64_t> order;
        for (auto& [x, y] : loader) {
            EXPECT_EQ(x.size(0), y.size(0));
            // targets are 0.5 * id, so the ids come back from y.
            for (const float target : y.to_vector<float>()) order.push_back(static_cast<std::int64_t>(target * 2.0f));
        }
        EXPECT_EQ(loader.next_epoch_index(), pass + 1);
        EXPECT_EQ(order, loader.sample_order(pass)) << "pass " << pass << " must be epoch(" << pass << ")";
        passes.push_back(order);
    }
    EXPECT_NE(passes[0], passes[1]) << "PyTorch reshuffles every epoch";
    EXPECT_NE(passes[1], passes[2]);
}

TEST(DataLoaderRangeFor, ImagePassesMatchExplicitEpochsBitForBit) {
    // Augmentation is seeded by the epoch too: pass k is exactly loader.epoch(k).
    DataLoader loader(counting_dataset(13), augmentation(), {.batch_size = 4, .shuffle = true, .seed = 9});
    for (std::int64_t pass = 0; pass < 3; ++pass) {
        std::vector<std::pair<std::vector<float>, std::vector<std::int64_t>>> batches;
        for (const auto& [images, labels] : loader) {
            EXPECT_EQ(images.dtype(), DType::Float32);
            EXPECT_EQ(labels.dtype(), DType::Int64);
            batches.emplace_back(images.to_vector<float>(), labels.to_vector<std::int64_t>());
        }
        EXPECT_EQ(batches, collect(loader, pass)) << "pass " << pass;
    }
    EXPECT_NE(collect(loader, 0), collect(loader, 1));
}

TEST(DataLoaderRangeFor, BreakingOutStopsTheWorkers) {
    DataLoader loader(counting_dataset(400), augmentation(), {.batch_size = 2, .num_workers = 2});
    int seen = 0;
    for (const Batch& batch : loader) {
        EXPECT_EQ(batch.index, seen);
        if (++seen == 3) break; // the iterator owns the Epoch: leaving the loop joins its workers
    }
    EXPECT_EQ(seen, 3);
    EXPECT_EQ(loader.next_epoch_index(), 1);
}

TEST(Batch, UnpacksIntoInputsAndTargets) {
    static_assert(std::tuple_size_v<Batch> == 2);
    static_assert(std::input_iterator<BatchIterator>);
    Batch batch{.inputs = zeros({2, 3}), .targets = ones({2}, DType::Int64), .extra = {}, .index = 4};
    auto& [x, y] = batch;
    static_assert(std::is_same_v<decltype(x), Tensor>);
    EXPECT_TRUE(x.shares_storage_with(batch.inputs));
    y = full({2}, 7.0, DType::Int64); // a reference: assigning replaces batch.targets
    EXPECT_EQ(batch.targets.at({1}), 7.0);

    const Batch& read_only = batch;
    const auto& [const_x, const_y] = read_only;
    static_assert(std::is_same_v<decltype(const_x), const Tensor>);
    EXPECT_EQ(const_y.at({0}), 7.0);

    auto [moved_x, moved_y] = std::move(batch); // a copy of the batch, the tensors moved out of it
    EXPECT_EQ(moved_x.shape(), (Shape{2, 3}));
    EXPECT_EQ(moved_y.dtype(), DType::Int64);
}
