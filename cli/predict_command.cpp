// `kindling predict --checkpoint FILE IMAGE...`: the class and probability of
// each photo. Each image is decoded with stb_image, converted to the
// checkpoint's channel count, resized to its input size and normalised with
// the statistics it was trained with.
#include <iomanip>
#include <iostream>

#include "autograd/grad_mode.hpp"
#include "cli/checkpoint_info.hpp"
#include "cli/commands.hpp"
#include "datasets/image_folder.hpp"
#include "nn/softmax.hpp"
#include "tensor/ops.hpp"

namespace kindling::cli {

namespace {

struct PredictOptions {
    std::string checkpoint;
    std::vector<std::string> images;
    int top = 1; // how many classes to show per image
};

// pixels [H, W, C] bytes -> [1, C, H, W] floats, (pixel/255 - mean_c) / std_c.
Tensor to_model_input(const std::vector<std::uint8_t>& pixels, const datasets::ImageShape& shape,
                      const CheckpointInfo& info) {
    Tensor input = empty({1, shape.channels, shape.height, shape.width});
    float* values = input.data<float>();
    for (std::int64_t c = 0; c < shape.channels; ++c) {
        for (std::int64_t i = 0; i < shape.height * shape.width; ++i) {
            const float unit = static_cast<float>(pixels[static_cast<std::size_t>(i * shape.channels + c)]) / 255.0f;
            values[c * shape.height * shape.width + i] =
                (unit - info.mean[static_cast<std::size_t>(c)]) / info.standard_deviation[static_cast<std::size_t>(c)];
        }
    }
    return input;
}

void run_predict(const PredictOptions& options) {
    CheckpointInfo info;
    auto model = load_checkpoint_model(options.checkpoint, info);
    model->eval();
    autograd::NoGradGuard no_grad;
    const datasets::ImageShape shape{info.model.image_size, info.model.image_size, info.model.in_channels};
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(shape.numel()));
    const int shown = std::min<int>(options.top, static_cast<int>(info.class_names.size()));
    for (const std::string& image : options.images) {
        datasets::decode_image_file(image, shape, pixels.data());
        const Tensor probabilities = nn::functional::softmax(model->forward(to_model_input(pixels, shape, info)), 1);
        std::vector<double> values = probabilities.to_vector<double>();
        std::vector<std::size_t> order(values.size());
        for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                          [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });
        std::cout << image << ":";
        for (int k = 0; k < shown; ++k) {
            std::cout << (k ? "," : "") << " " << info.class_names[order[k]] << " " << std::fixed << std::setprecision(3)
                      << values[order[k]];
        }
        std::cout << "\n";
    }
}

} // namespace

void add_predict_command(CLI::App& app) {
    auto options = std::make_shared<PredictOptions>();
    CLI::App* command = app.add_subcommand("predict", "Classify image files with a saved checkpoint");
    command->add_option("--checkpoint", options->checkpoint, "A .safetensors file written by kindling train")->required();
    command->add_option("--top", options->top, "Show the K most likely classes")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("images", options->images, "JPEG/PNG/BMP files")->required()->check(CLI::ExistingFile);
    command->callback([options] { run_predict(*options); });
}

} // namespace kindling::cli
