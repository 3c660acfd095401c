#include "cli/checkpoint_info.hpp"

#include <sstream>
#include <stdexcept>

#include "nn/serialization.hpp"

namespace kindling::cli {

namespace {

template <typename T> std::string join(const std::vector<T>& values) {
    std::ostringstream out;
    out.precision(9);
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
    return out.str();
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, ',');) parts.push_back(part);
    return parts;
}

std::vector<float> split_floats(const std::string& text) {
    std::vector<float> values;
    for (const std::string& part : split(text)) values.push_back(std::stof(part));
    return values;
}

} // namespace

nn::Metadata to_metadata(const CheckpointInfo& info) {
    return {
        {"format", "kindling-train-checkpoint"},
        {"model", info.model.name},
        {"in_channels", std::to_string(info.model.in_channels)},
        {"image_size", std::to_string(info.model.image_size)},
        {"num_classes", std::to_string(info.model.num_classes)},
        {"dataset", info.dataset},
        {"class_names", join(info.class_names)},
        {"mean", join(info.mean)},
        {"std", join(info.standard_deviation)},
        {"epoch", std::to_string(info.epoch)},
        {"validation_accuracy", std::to_string(info.validation_accuracy)},
    };
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
    const nn::Metadata metadata = nn::read_safetensors(path).metadata;
    auto field = [&](const std::string& key) -> const std::string& {
        const auto found = metadata.find(key);
        if (found == metadata.end()) {
            throw std::runtime_error(path + ": not a checkpoint written by `kindling train` (no '" + key +
                                     "' in its metadata)");
        }
        return found->second;
    };
    CheckpointInfo info;
    if (field("format") != "kindling-train-checkpoint") {
        throw std::runtime_error(path + ": metadata 'format' is '" + field("format") +
                                 "', expected 'kindling-train-checkpoint'");
    }
    info.model.name = field("model");
    info.model.in_channels = std::stoll(field("in_channels"));
    info.model.image_size = std::stoll(field("image_size"));
    info.model.num_classes = std::stoll(field("num_classes"));
    info.dataset = field("dataset");
    info.class_names = split(field("class_names"));
    info.mean = split_floats(field("mean"));
    info.standard_deviation = split_floats(field("std"));
    info.epoch = std::stoll(field("epoch"));
    info.validation_accuracy = std::stod(field("validation_accuracy"));
    return info;
}

std::shared_ptr<nn::Sequential> load_checkpoint_model(const std::string& path, CheckpointInfo& info) {
    info = read_checkpoint_info(path);
    auto model = build_model(info.model, 0);
    nn::load(*model, path);
    return model;
}

} // namespace kindling::cli
