// The models `kindling train --model NAME` can build, by name, so that a
// checkpoint can record which architecture its weights belong to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/sequential.hpp"

namespace kindling::cli {

struct ModelSpec {
    std::string name;            // "small-cnn", "cifar-cnn", "mlp"
    std::int64_t in_channels = 1;
    std::int64_t image_size = 28; // square inputs: image_size x image_size
    std::int64_t num_classes = 10;
};

std::vector<std::string> model_names();

// Throws naming the unknown model and listing the known ones.
std::shared_ptr<nn::Sequential> build_model(const ModelSpec& spec, std::uint64_t seed);

} // namespace kindling::cli
