// DataLoader: batches of a dataset, prepared on background threads.
//
// Over images (a Dataset, turned into float tensors by a SamplePipeline):
//   DataLoader loader(train_set, std::make_shared<AugmentPipeline>(options),
//                     {.batch_size = 128, .shuffle = true, .seed = 42});
// or over tensors already in memory:
//   DataLoader loader(TensorDataset(features, targets), {.batch_size = 32, .shuffle = true});
//
// Each range-for over the loader is the next epoch (0, 1, 2, ...), reshuffled
// and re-augmented, as iterating a PyTorch DataLoader again is:
//   for (int e = 0; e < epochs; ++e) {
//       for (auto& [inputs, targets] : loader) { ... }
//   }
// loader.epoch(k) runs epoch k explicitly, for resuming a training run:
//   for (const Batch& batch : loader.epoch(k)) { batch.inputs, batch.targets ... }
//
// Design, for a 2-core machine that trains while it loads:
// - Workers build whole batches ahead of the training loop (prefetching), so
//   decoding and augmenting batch b+1 overlaps the training step on batch b.
//   Each image batch is two allocations (inputs, targets); samples are written
//   straight into the batch by the SamplePipeline. A TensorDataset batch is
//   one allocation per tensor, each row copied as one block.
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
#include <span>
#include <utility>
#include <vector>

#include "datasets/dataset.hpp"
#include "datasets/sample_pipeline.hpp"
#include "datasets/tensor_dataset.hpp"
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

// One batch. It unpacks into [inputs, targets] (the tuple protocol below), so
//   for (auto& [x, y] : loader)   and   auto& [x, y] = batch;
// name the two tensors whatever the dataset holds.
struct Batch {
    Tensor inputs;  // images: float32 [B, C, H, W]; TensorDataset: rows of its first tensor [B, ...]
    Tensor targets; // images: the int64 labels [B]; TensorDataset: rows of its second tensor (if any)
    std::vector<Tensor> extra; // TensorDataset: rows of its third tensor onwards
    std::int64_t index = 0;    // position of the batch in its epoch

    // Element I of [inputs, targets], for structured bindings.
    template <std::size_t I> Tensor& get() & {
        static_assert(I < 2, "a Batch unpacks into [inputs, targets]");
        if constexpr (I == 0) return inputs;
        else return targets;
    }
    template <std::size_t I> const Tensor& get() const& { return const_cast<Batch&>(*this).get<I>(); }
    template <std::size_t I> Tensor&& get() && { return std::move(get<I>()); }
};

class Epoch;
class BatchIterator;

class DataLoader {
public:
    // Images, each made a float tensor by `pipeline`: inputs [B, C, H, W], targets the labels [B].
    DataLoader(std::shared_ptr<const Dataset> dataset, std::shared_ptr<const SamplePipeline> pipeline,
               DataLoaderOptions options = {});
    // Rows of tensors: inputs and targets are rows of the dataset's first and second tensors.
    explicit DataLoader(TensorDataset dataset, DataLoaderOptions options = {});

    std::int64_t num_samples() const;
    // Batches per epoch (len(loader) in PyTorch).
    std::int64_t num_batches() const;
    // One pass over the data; background workers start now and stop when the Epoch is destroyed.
    Epoch epoch(std::int64_t epoch_index) const;

    // Range-for: each pass is the next epoch, epoch(0), epoch(1), ... in turn.
    BatchIterator begin();
    std::default_sentinel_t end() const { return {}; }
    // The epoch the next range-for pass runs (how many passes have started).
    std::int64_t next_epoch_index() const { return next_epoch_index_; }

    // The dataset indices in the order epoch `epoch_index` visits them.
    std::vector<std::int64_t> sample_order(std::int64_t epoch_index) const;
    // Batch `batch_index` of an epoch whose order is `order`, built on the calling thread.
    Batch make_batch(std::int64_t epoch_index, const std::vector<std::int64_t>& order, std::int64_t batch_index) const;

    // The image dataset; throws std::logic_error for a loader over a TensorDataset.
    const Dataset& dataset() const;
    const DataLoaderOptions& options() const { return options_; }

private:
    void check_options() const;
    void fill_image_batch(Batch& batch, std::int64_t epoch_index, std::span<const std::int64_t> indices) const;

    // Exactly one of the two sources is set: images + pipeline, or tensors.
    std::shared_ptr<const Dataset> dataset_;
    std::shared_ptr<const SamplePipeline> pipeline_;
    std::shared_ptr<const TensorDataset> tensor_dataset_;
    DataLoaderOptions options_;
    std::int64_t next_epoch_index_ = 0;
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

    // for (const Batch& batch : epoch): next() until it returns nullopt.

    BatchIterator begin();
    std::default_sentinel_t end() const { return {}; }

private:
    struct State; // shared with the workers; lives at a stable address
    std::unique_ptr<State> state_;
};

// An input iterator over the batches of an epoch (move-only, like the Epoch).
// One made by DataLoader::begin() owns its Epoch: a range-for over a loader
// has no named Epoch to keep the workers alive.
class BatchIterator {
public:
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    explicit BatchIterator(Epoch* epoch);
    explicit BatchIterator(std::unique_ptr<Epoch> owned_epoch);

    const Batch& operator*() const { return *current_; }
    const Batch* operator->() const { return &*current_; }
    BatchIterator& operator++();
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return !current_.has_value(); }

private:
    std::unique_ptr<Epoch> owned_epoch_; // null when iterating a named Epoch
    Epoch* epoch_;
    std::optional<Batch> current_;
};

} // namespace kindling::datasets

// The tuple protocol that lets `auto& [inputs, targets] = batch` compile.
template <> struct std::tuple_size<kindling::datasets::Batch> : std::integral_constant<std::size_t, 2> {};
template <std::size_t I> struct std::tuple_element<I, kindling::datasets::Batch> {
    using type = kindling::Tensor;
};
