#include "cli/models.hpp"

#include <stdexcept>

#include "nn/activations.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dropout.hpp"
#include "nn/linear.hpp"
#include "nn/pooling.hpp"

namespace kindling::cli {

namespace {

using namespace kindling::nn;

// conv 3x3 (same size) -> BatchNorm -> ReLU: the building block of both CNNs.
void add_conv_block(Sequential& model, std::int64_t in_channels, std::int64_t out_channels, Generator& generator) {
    model.push_back(std::make_shared<Conv2d>(in_channels, out_channels, 3, 1, 1, 1, 1, false, generator));
    model.push_back(std::make_shared<BatchNorm2d>(out_channels));
    model.push_back(std::make_shared<ReLU>());
}

// Two conv blocks with 2x2 max-pooling after each: [C, S, S] -> [64, S/4, S/4].
// With BatchNorm it trains fast with Adam; made for 28x28 Fashion-MNIST.
std::shared_ptr<Sequential> small_cnn(const ModelSpec& spec, Generator& generator) {
    auto model = std::make_shared<Sequential>();
    add_conv_block(*model, spec.in_channels, 32, generator);
    model->push_back(std::make_shared<MaxPool2d>(2));
    add_conv_block(*model, 32, 64, generator);
    model->push_back(std::make_shared<MaxPool2d>(2));
    const std::int64_t side = spec.image_size / 4;
    model->push_back(std::make_shared<Flatten>());
    model->push_back(std::make_shared<Linear>(64 * side * side, 128, true, generator));
    model->push_back(std::make_shared<ReLU>());
    // Dropout draws its masks during training, long after this function, so it
    // uses the process-wide generator (seeded by the caller with manual_seed).
    model->push_back(std::make_shared<Dropout>(0.25, default_generator()));
    model->push_back(std::make_shared<Linear>(128, spec.num_classes, true, generator));
    return model;
}

// A VGG-style net for 32x32 colour images: three stages of two conv blocks
// (64, 128, 256 channels), each followed by 2x2 max-pooling, then global
// average pooling and one linear layer.
std::shared_ptr<Sequential> cifar_cnn(const ModelSpec& spec, Generator& generator) {
    auto model = std::make_shared<Sequential>();
    std::int64_t channels = spec.in_channels;
    for (std::int64_t width : {64, 128, 256}) {
        add_conv_block(*model, channels, width, generator);
        add_conv_block(*model, width, width, generator);
        model->push_back(std::make_shared<MaxPool2d>(2));
        channels = width;
    }
    model->push_back(std::make_shared<AdaptiveAvgPool2d>(1));
    model->push_back(std::make_shared<Flatten>());
    model->push_back(std::make_shared<Linear>(channels, spec.num_classes, true, generator));
    return model;
}

// No convolutions: a baseline that shows what the CNNs gain.
std::shared_ptr<Sequential> mlp(const ModelSpec& spec, Generator& generator) {
    auto model = std::make_shared<Sequential>();
    model->push_back(std::make_shared<Flatten>());
    model->push_back(std::make_shared<Linear>(spec.in_channels * spec.image_size * spec.image_size, 256, true, generator));
    model->push_back(std::make_shared<ReLU>());
    model->push_back(std::make_shared<Linear>(256, spec.num_classes, true, generator));
    return model;
}

} // namespace

std::vector<std::string> model_names() { return {"small-cnn", "cifar-cnn", "mlp"}; }

std::shared_ptr<nn::Sequential> build_model(const ModelSpec& spec, std::uint64_t seed) {
    Generator generator(seed);
    if (spec.image_size < 8 && spec.name != "mlp") {
        throw std::invalid_argument("model '" + spec.name + "' needs images of at least 8x8, got " +
                                    std::to_string(spec.image_size));
    }
    if (spec.name == "small-cnn") return small_cnn(spec, generator);
    if (spec.name == "cifar-cnn") return cifar_cnn(spec, generator);
    if (spec.name == "mlp") return mlp(spec, generator);
    std::string known;
    for (const std::string& name : model_names()) known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument("unknown model '" + spec.name + "' (known models: " + known + ")");
}

} // namespace kindling::cli
