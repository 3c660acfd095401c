// What a `kindling train` checkpoint records besides the weights, in its
// safetensors "__metadata__", so `kindling eval` and `kindling predict` can
// rebuild the same model and feed it the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/models.hpp"
#include "nn/safetensors.hpp"

namespace kindling::cli {

struct CheckpointInfo {
    ModelSpec model;
    std::string dataset;
    std::vector<std::string> class_names;
    std::vector<float> mean, standard_deviation; // input normalisation per channel
    std::int64_t epoch = 0;                      // epochs completed when it was written
    double validation_accuracy = 0.0;
};

nn::Metadata to_metadata(const CheckpointInfo& info);

// Reads only what is needed from the file; throws naming the file and the
// missing key when it was not written by `kindling train`.
CheckpointInfo read_checkpoint_info(const std::string& path);

// Builds the recorded model and loads the weights (every name and shape checked).
std::shared_ptr<nn::Sequential> load_checkpoint_model(const std::string& path, CheckpointInfo& info);

} // namespace kindling::cli
