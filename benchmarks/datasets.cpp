// How fast the data pipeline feeds training.
//
//   BM_CifarEpoch/<pipeline>/workers:N   one shuffled epoch of CIFAR-10 train (50,000
//       images, batches of 128) with RandomCrop(32, 4) + flip + Normalize; images/s.
//       "fused" is AugmentPipeline, "composed" the same recipe as Transform objects.
//       Rates are per CPU-second of the whole process (loader threads included).
//   BM_DecodeResize/cats_vs_dogs/<size>  stb_image decode + stb_image_resize of the
//       real cat/dog JPEGs (varying sizes, about 60 to 1000 px a side); images/s.
//   BM_TensorEpoch/workers:N   one shuffled epoch of a TensorDataset of 60,000 float32
//       [1, 28, 28] images and int64 labels (Fashion-MNIST's size), batches of 128;
//       samples/s. Needs no data.
//
// Needs ../shared/datasets (CIFAR-10 is unpacked to /tmp/kindling-data by
// ../shared/datasets/unpack-cifar10 first); benchmarks skip with a message when absent.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "datasets/cifar10.hpp"
#include "datasets/dataloader.hpp"
#include "datasets/image_folder.hpp"
#include "datasets/tensor_dataset.hpp"
#include "datasets/transforms.hpp"
#include "tensor/generator.hpp"

using namespace kindling;
using namespace kindling::datasets;

namespace {

const std::filesystem::path shared_datasets = std::filesystem::path(KINDLING_SHARED_DIR) / "datasets";

// Loaded once for every CIFAR benchmark; null when the data is absent.
std::shared_ptr<InMemoryDataset> cifar10_train() {
    static const std::shared_ptr<InMemoryDataset> train = []() -> std::shared_ptr<InMemoryDataset> {
        const std::filesystem::path folder = "/tmp/kindling-data/cifar-10-batches-bin";
        if (!std::filesystem::exists(folder / "data_batch_5.bin")) {
            const std::string unpack = "sh '" + (shared_datasets / "unpack-cifar10").string() + "' > /dev/null";
            if (!std::filesystem::exists(shared_datasets / "unpack-cifar10") || std::system(unpack.c_str()) != 0)
                return nullptr;
        }
        return load_cifar10(folder, Split::Train);
    }();
    return train;
}

std::shared_ptr<const SamplePipeline> cifar_augmentation(bool fused) {
    const auto pipeline = std::make_shared<AugmentPipeline>(AugmentOptions{
        .crop_size = 32, .padding = 4, .flip_probability = 0.5, .mean = cifar10_mean, .standard_deviation = cifar10_std});
    if (fused) return pipeline;
    return std::make_shared<TransformPipeline>(pipeline->as_transforms());
}

void run_cifar_epochs(benchmark::State& state, bool fused) {
    const auto train = cifar10_train();
    if (!train) {
        state.SkipWithError("CIFAR-10 absent: ../shared/datasets/unpack-cifar10 not found or failed");
        return;
    }
    const DataLoader loader(train, cifar_augmentation(fused),
                            {.batch_size = 128, .shuffle = true, .seed = 1, .num_workers = static_cast<int>(state.range(0))});
    std::int64_t epoch = 0, images = 0;
    for (auto _ : state) {
        for (const Batch& batch : loader.epoch(epoch++)) {
            benchmark::DoNotOptimize(batch.inputs.data<float>());
            images += batch.inputs.size(0);
        }
    }
    state.SetItemsProcessed(images);
}

void BM_CifarEpoch_fused(benchmark::State& state) { run_cifar_epochs(state, true); }
void BM_CifarEpoch_composed(benchmark::State& state) { run_cifar_epochs(state, false); }

void BM_DecodeResize(benchmark::State& state) {
    const auto root = shared_datasets / "cats-vs-dogs" / "train";
    if (!std::filesystem::exists(root)) {
        state.SkipWithError("../shared/datasets/cats-vs-dogs absent");
        return;
    }
    const ImageFolder folder(root, {.height = state.range(0), .width = state.range(0)});
    std::vector<std::uint8_t> scratch;
    std::int64_t index = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(folder.image(index, scratch).pixels);
        index = (index + 1) % folder.size();
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_TensorEpoch(benchmark::State& state) {
    Generator generator(0);
    DataLoader loader(TensorDataset(rand({60000, 1, 28, 28}, generator), randint(0, 10, {60000}, generator)),
                      {.batch_size = 128, .shuffle = true, .seed = 1, .num_workers = static_cast<int>(state.range(0))});
    std::int64_t samples = 0;
    for (auto _ : state) {
        for (auto& [images, labels] : loader) {
            benchmark::DoNotOptimize(images.data<float>());
            samples += labels.size(0);
        }
    }
    state.SetItemsProcessed(samples);
}

} // namespace

// Process CPU time (all threads), so images/s is per CPU-second of loading:
// on a shared, busy machine wall-clock time would measure the neighbours.
BENCHMARK(BM_CifarEpoch_fused)->Name("BM_CifarEpoch/fused")->ArgName("workers")->Arg(0)->Arg(1)->Arg(2)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK(BM_CifarEpoch_composed)->Name("BM_CifarEpoch/composed")->ArgName("workers")->Arg(1)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK(BM_TensorEpoch)->Name("BM_TensorEpoch")->ArgName("workers")->Arg(0)->Arg(1)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK(BM_DecodeResize)->Name("BM_DecodeResize/cats_vs_dogs")->ArgName("size")->Arg(32)->Arg(64)->Arg(224)
    ->Unit(benchmark::kMillisecond)->MinTime(2.0);

BENCHMARK_MAIN();
