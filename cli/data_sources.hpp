// Turning `--dataset NAME --data-dir DIR` into the training, validation and
// test sets plus the per-sample pipelines that feed the DataLoader.
//
//   fashion-mnist      Debian's dataset-fashion-mnist (default folder
//                      /usr/share/datasets/fashion-mnist)
//   cifar10            the CIFAR-10 binary release folder (--data-dir)
//   cifar10:cat,dog    a subset of CIFAR-10 classes, relabelled 0..k-1
//   folder:PATH        PATH/<class>/*.jpg, or PATH/train and PATH/val (or
//                      PATH/test) each with one folder per class
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/dataset.hpp"
#include "datasets/sample_pipeline.hpp"

namespace kindling::cli {

struct DataOptions {
    std::string dataset = "fashion-mnist";
    std::string data_dir;                   // empty: the dataset's default location
    std::optional<std::int64_t> image_size; // folder datasets are resized to it (default 64)
    double validation_fraction = 0.1;       // of the training set, held out
    bool augment = true;                    // random crop + flip for colour datasets
    std::uint64_t seed = 0;
};

struct DataSources {
    std::string name;                  // normalised dataset name, e.g. "cifar10:cat,dog"
    std::shared_ptr<const datasets::Dataset> train, validation, test;
    std::shared_ptr<const datasets::SamplePipeline> train_pipeline; // augmentation + normalisation
    std::shared_ptr<const datasets::SamplePipeline> eval_pipeline;  // normalisation only
    std::vector<std::string> class_names;
    std::vector<float> mean, standard_deviation; // per channel, recorded in checkpoints
    std::int64_t channels = 1;
    std::int64_t image_size = 28;
};

DataSources load_data_sources(const DataOptions& options);

// The pipeline evaluation and prediction use: normalise with these statistics.
std::shared_ptr<const datasets::SamplePipeline> normalizing_pipeline(const std::vector<float>& mean,
                                                                     const std::vector<float>& standard_deviation);

} // namespace kindling::cli
