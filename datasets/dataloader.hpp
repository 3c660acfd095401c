// DataLoader: batches of a dataset, prepared on background threads.
//
//   DataLoader loader(train_set, std::make_shared<AugmentPipeline>(options),
//                     {.batch_size = 128, .shuffle = true, .seed = 42});
//   for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
//       for (const Batch& batch : loader.epoch(epoch)) {
//           // batch.images: float32 [B, C, H, W], batch.labels: int64 [B]
//       }
//   }
//
// Design, for a 2-core machine that trains while it loads:
// - Workers build whole batches ahead of the training loop (prefetching), so
//   decoding and augmenting batch b+1 overlaps the training step on batch b.
//   Each batch is two allocations (images, labels); samples are written
//   straight into the batch by the SamplePipeline.
// - Deterministic regardless of worker count: the sample order of an epoch
//   comes from a generator seeded by (seed, epoch), and each batch's random
//   augmentation from its own generator seeded by (seed, epoch, batch index),
//   drawn sample by sample in batch order. No generator is shared between
//   threads, so which worker builds a batch cannot change a single bit.
//   Batches are handed out in order.
// - An Epoch object owns its worker threads: leaving the loop early (break,
//   exception) destroys it, which stops the workers and joins them.
// - An exception in a worker (a corrupt JPEG, say) is rethrown by the loop
//   when it reaches that batch.
#pragma once

#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "datasets/dataset.hpp"
#include "datasets/sample_pipeline.hpp"
#include "tensor/tensor.hpp"

namespace kindling::datasets {

struct DataLoaderOptions {
    std::int64_t batch_size = 64;
    bool shuffle = false;
    bool drop_last = false;   // drop the last batch when it is smaller than batch_size
    std::uint64_t seed = 0;   // shuffling and augmentation
    int num_workers = 1;      // background threads; 0 builds each batch when asked, on the caller's thread
    int prefetch_factor = 2;  // batches prepared ahead per worker
};

struct Batch {
    Tensor images; // float32 [B, C, H, W]
    Tensor labels; // int64 [B]
    std::int64_t index = 0; // position of the batch in its epoch
};

class Epoch;

class DataLoader {
public:
    DataLoader(std::shared_ptr<const Dataset> dataset, std::shared_ptr<const SamplePipeline> pipeline,
               DataLoaderOptions options = {});

    // Batches per epoch (len(loader) in PyTorch).
    std::int64_t num_batches() const;
    // One pass over the data; background workers start now and stop when the Epoch is destroyed.
    Epoch epoch(std::int64_t epoch_index) const;

    // The dataset indices in the order epoch `epoch_index` visits them.
    std::vector<std::int64_t> sample_order(std::int64_t epoch_index) const;
    // Batch `batch_index` of an epoch whose order is `order`, built on the calling thread.
    Batch make_batch(std::int64_t epoch_index, const std::vector<std::int64_t>& order, std::int64_t batch_index) const;

    const Dataset& dataset() const { return *dataset_; }
    const DataLoaderOptions& options() const { return options_; }

private:
    std::shared_ptr<const Dataset> dataset_;
    std::shared_ptr<const SamplePipeline> pipeline_;
    DataLoaderOptions options_;
};

// One epoch in progress. Movable, not copyable; iterate it with range-for or next().
class Epoch {
public:
    Epoch(const DataLoader& loader, std::int64_t epoch_index);
    ~Epoch();
    Epoch(Epoch&&) noexcept;
    Epoch& operator=(Epoch&&) noexcept;
    Epoch(const Epoch&) = delete;
    Epoch& operator=(const Epoch&) = delete;

    // The next batch in order, or nullopt after the last one. Rethrows a
    // worker's exception for the batch that failed.
    std::optional<Batch> next();

    class iterator {
    public:
        using value_type = Batch;
        using difference_type = std::ptrdiff_t;
        explicit iterator(Epoch* epoch);
        const Batch& operator*() const { return *current_; }
        const Batch* operator->() const { return &*current_; }
        iterator& operator++();
        bool operator==(std::default_sentinel_t) const { return !current_.has_value(); }

    private:
        Epoch* epoch_;
        std::optional<Batch> current_;
    };
    iterator begin() { return iterator(this); }
    std::default_sentinel_t end() { return {}; }

private:
    struct State; // shared with the workers; lives at a stable address
    std::unique_ptr<State> state_;
};

} // namespace kindling::datasets
