// Sample order, batch assembly, and the prefetching worker threads.
#include "datasets/dataloader.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>

#include "autograd/grad_mode.hpp"
#include "tensor/generator.hpp"

namespace kindling::datasets {

namespace {

// SplitMix64 (Steele, Lea & Flood 2014): a bijective scrambler, so nearby
// inputs (epoch 3, epoch 4) give unrelated seeds.
std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Separate streams for the shuffle and for the augmentation of each batch.
constexpr std::uint64_t shuffle_stream = 1;
constexpr std::uint64_t augment_stream = 2;

std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t epoch, std::uint64_t batch) {
    return splitmix64(splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ epoch) ^ batch);
}

} // namespace

// --- DataLoader -----------------------------------------------------------------

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, std::shared_ptr<const SamplePipeline> pipeline,
                       DataLoaderOptions options)
    : dataset_(std::move(dataset)), pipeline_(std::move(pipeline)), options_(options) {
    if (!dataset_ || !pipeline_) throw std::invalid_argument("DataLoader: the dataset and the pipeline must not be null");
    check_options();
}

DataLoader::DataLoader(TensorDataset dataset, DataLoaderOptions options)
    : tensor_dataset_(std::make_shared<const TensorDataset>(std::move(dataset))), options_(options) {
    check_options();
}

void DataLoader::check_options() const {
    if (options_.batch_size <= 0) {
        throw std::invalid_argument("DataLoader: batch_size must be positive, got " + std::to_string(options_.batch_size));
    }
    if (options_.num_workers < 0 || options_.prefetch_factor <= 0) {
        throw std::invalid_argument("DataLoader: num_workers must be >= 0 and prefetch_factor > 0, got " +
                                    std::to_string(options_.num_workers) + " and " +
                                    std::to_string(options_.prefetch_factor));
    }
}

const Dataset& DataLoader::dataset() const {
    if (!dataset_) throw std::logic_error("DataLoader::dataset: this loader reads a TensorDataset, not images");
    return *dataset_;
}

std::int64_t DataLoader::num_samples() const { return tensor_dataset_ ? tensor_dataset_->size() : dataset_->size(); }

std::int64_t DataLoader::num_batches() const {
    const std::int64_t samples = num_samples();
    return options_.drop_last ? samples / options_.batch_size
                              : (samples + options_.batch_size - 1) / options_.batch_size;
}

Epoch DataLoader::epoch(std::int64_t epoch_index) const { return Epoch(*this, epoch_index); }

BatchIterator DataLoader::begin() { return BatchIterator(std::make_unique<Epoch>(*this, next_epoch_index_++)); }

std::vector<std::int64_t> DataLoader::sample_order(std::int64_t epoch_index) const {
    if (!options_.shuffle) {
        std::vector<std::int64_t> order(static_cast<std::size_t>(num_samples()));
        std::iota(order.begin(), order.end(), std::int64_t{0});
        return order;
    }
    Generator generator(derived_seed(options_.seed, shuffle_stream, static_cast<std::uint64_t>(epoch_index), 0));
    return randperm(num_samples(), generator).to_vector<std::int64_t>();
}

Batch DataLoader::make_batch(std::int64_t epoch_index, const std::vector<std::int64_t>& order,
                             std::int64_t batch_index) const {
    if (batch_index < 0 || batch_index >= num_batches()) {
        throw std::out_of_range("DataLoader::make_batch: batch " + std::to_string(batch_index) + " of an epoch of " +
                                std::to_string(num_batches()) + " batches");
    }
    const std::int64_t first = batch_index * options_.batch_size;
    const std::int64_t count = std::min(options_.batch_size, static_cast<std::int64_t>(order.size()) - first);
    const std::span<const std::int64_t> indices(order.data() + first, static_cast<std::size_t>(count));

    Batch batch;
    batch.index = batch_index;
    if (tensor_dataset_) {
        std::vector<Tensor> rows = tensor_dataset_->gather(indices);
        batch.inputs = rows[0];
        if (rows.size() > 1) batch.targets = rows[1];
        if (rows.size() > 2) batch.extra.assign(rows.begin() + 2, rows.end());
    } else {
        fill_image_batch(batch, epoch_index, indices);
    }
    return batch;
}

// Images through the pipeline into inputs [count, C, H', W'], labels into targets [count].
void DataLoader::fill_image_batch(Batch& batch, std::int64_t epoch_index, std::span<const std::int64_t> indices) const {
    const auto count = static_cast<std::int64_t>(indices.size());
    const ImageShape image_shape = dataset_->image_shape();
    const Shape sample_shape = pipeline_->output_shape(image_shape);
    const std::int64_t sample_numel = shape_numel(sample_shape);

    Shape batch_shape{count};
    batch_shape.insert(batch_shape.end(), sample_shape.begin(), sample_shape.end());
    batch.inputs = empty(batch_shape);
    batch.targets = empty({count}, DType::Int64);
    float* images = batch.inputs.data<float>();
    std::int64_t* labels = batch.targets.data<std::int64_t>();

    std::vector<std::uint8_t> scratch; // decoding datasets write here, reused across the batch
    // One generator per batch, seeded by (seed, epoch, batch): whichever worker
    // builds the batch draws the same numbers in the same sample order.
    Generator generator(derived_seed(options_.seed, augment_stream, static_cast<std::uint64_t>(epoch_index),
                                     static_cast<std::uint64_t>(batch.index)));
    for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t index = indices[static_cast<std::size_t>(i)];
        const ImageView image = dataset_->image(index, scratch);
        if (!(image.shape == image_shape)) {
            throw std::runtime_error("DataLoader: sample " + std::to_string(index) + " is " + to_string(image.shape) +
                                     ", the dataset's images are " + to_string(image_shape));
        }
        pipeline_->run(image, generator, images + i * sample_numel);
        labels[i] = dataset_->label(index);
    }
}

// --- Epoch: the workers and the in-order hand-over ----------------------------------

struct Epoch::State {
    DataLoader loader; // a copy: shares the dataset and pipeline, so the Epoch may outlive the caller's loader
    std::int64_t epoch_index;
    std::vector<std::int64_t> order;
    std::int64_t num_batches;

    struct Finished {
        std::optional<Batch> batch;
        std::exception_ptr error;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::int64_t next_to_claim = 0;   // the next batch a worker will build
    std::int64_t next_to_deliver = 0; // the next batch next() returns
    std::map<std::int64_t, Finished> finished;
    bool stopping = false;
    std::vector<std::thread> workers;

    State(const DataLoader& loader_, std::int64_t epoch_index_)
        : loader(loader_), epoch_index(epoch_index_), order(loader_.sample_order(epoch_index_)),
          num_batches(loader_.num_batches()) {}

    void work() {
        // Batches are data, not part of any graph.
        autograd::NoGradGuard no_grad;
        const std::int64_t most_ahead =
            static_cast<std::int64_t>(loader.options().num_workers) * loader.options().prefetch_factor;
        for (;;) {
            std::int64_t batch_index = 0;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] {
                    return stopping || next_to_claim >= num_batches || next_to_claim < next_to_deliver + most_ahead;
                });
                if (stopping || next_to_claim >= num_batches) return;
                batch_index = next_to_claim++;
            }
            Finished result;
            try {
                result.batch = loader.make_batch(epoch_index, order, batch_index);
            } catch (...) {
                result.error = std::current_exception();
            }
            {
                std::lock_guard lock(mutex);
                finished.emplace(batch_index, std::move(result));
            }
            changed.notify_all();
        }
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        changed.notify_all();
        for (auto& worker : workers) worker.join();
        workers.clear();
    }
};

Epoch::Epoch(const DataLoader& loader, std::int64_t epoch_index)
    : state_(std::make_unique<State>(loader, epoch_index)) {
    for (int w = 0; w < loader.options().num_workers; ++w) {
        state_->workers.emplace_back([state = state_.get()] { state->work(); });
    }
}

Epoch::~Epoch() {
    if (state_) state_->stop();
}

Epoch::Epoch(Epoch&&) noexcept = default;

Epoch& Epoch::operator=(Epoch&& other) noexcept {
    if (this != &other) {
        if (state_) state_->stop();
        state_ = std::move(other.state_);
    }
    return *this;
}

std::optional<Batch> Epoch::next() {
    State& state = *state_;
    if (state.next_to_deliver >= state.num_batches) return std::nullopt;
    if (state.workers.empty()) {
        return state.loader.make_batch(state.epoch_index, state.order, state.next_to_deliver++);
    }
    State::Finished result;
    {
        std::unique_lock lock(state.mutex);
        state.changed.wait(lock, [&] { return state.finished.contains(state.next_to_deliver); });
        auto node = state.finished.extract(state.next_to_deliver);
        result = std::move(node.mapped());
        ++state.next_to_deliver;
    }
    state.changed.notify_all(); // a worker may now claim one more batch
    if (result.error) std::rethrow_exception(result.error);
    return std::move(result.batch);
}

BatchIterator Epoch::begin() { return BatchIterator(this); }

BatchIterator::BatchIterator(Epoch* epoch) : epoch_(epoch), current_(epoch->next()) {}

BatchIterator::BatchIterator(std::unique_ptr<Epoch> owned_epoch)
    : owned_epoch_(std::move(owned_epoch)), epoch_(owned_epoch_.get()), current_(epoch_->next()) {}

BatchIterator& BatchIterator::operator++() {
    current_ = epoch_->next();
    return *this;
}

} // namespace kindling::datasets
