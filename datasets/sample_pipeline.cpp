// The reference pipeline (to_tensor + transforms) and the fused augmentation.
#include "datasets/sample_pipeline.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kindling::datasets {

// --- TransformPipeline: the plain way ---------------------------------------------

TransformPipeline::TransformPipeline(std::shared_ptr<const Transform> transform) : transform_(std::move(transform)) {}

Shape TransformPipeline::output_shape(const ImageShape& input) const {
    const Shape tensor_shape{input.channels, input.height, input.width};
    return transform_ ? transform_->output_shape(tensor_shape) : tensor_shape;
}

void TransformPipeline::run(const ImageView& image, Generator& generator, float* output) const {
    Tensor sample = to_tensor(image);
    if (transform_) sample = (*transform_)(sample, generator).contiguous();
    const Shape expected = output_shape(image.shape);
    if (sample.shape() != expected) {
        throw std::logic_error("TransformPipeline: the transform produced " + shape_to_string(sample.shape()) +
                               ", its output_shape promised " + shape_to_string(expected));
    }
    std::copy_n(sample.data<float>(), sample.numel(), output);
}

// --- AugmentPipeline: crop + flip + normalize in one pass ---------------------------

AugmentPipeline::AugmentPipeline(AugmentOptions options) : options_(std::move(options)) {
    if (options_.mean.size() != options_.standard_deviation.size()) {
        throw std::invalid_argument("AugmentPipeline: mean has " + std::to_string(options_.mean.size()) +
                                    " values and standard_deviation " +
                                    std::to_string(options_.standard_deviation.size()) + "; expected one each per channel");
    }
    // Construct the transforms once: they check the other options with the same messages.
    as_transforms();
    // Without mean/std, one identity table serves every channel.
    const std::vector<float> mean = options_.mean.empty() ? std::vector<float>{0.0f} : options_.mean;
    const std::vector<float> deviation =
        options_.mean.empty() ? std::vector<float>{1.0f} : options_.standard_deviation;
    for (std::size_t c = 0; c < mean.size(); ++c) {
        std::array<float, 256>& table = normalized_.emplace_back();
        for (int pixel = 0; pixel < 256; ++pixel) {
            table[static_cast<std::size_t>(pixel)] =
                normalize_value(pixel_to_unit(static_cast<std::uint8_t>(pixel)), mean[c], deviation[c]);
        }
    }
}

std::shared_ptr<const Transform> AugmentPipeline::as_transforms() const {
    std::vector<std::shared_ptr<const Transform>> steps;
    if (options_.crop_size) steps.push_back(std::make_shared<RandomCrop>(*options_.crop_size, options_.padding));
    if (options_.flip_probability > 0.0) steps.push_back(std::make_shared<RandomHorizontalFlip>(options_.flip_probability));
    if (!options_.mean.empty()) steps.push_back(std::make_shared<Normalize>(options_.mean, options_.standard_deviation));
    return std::make_shared<Compose>(std::move(steps));
}

Shape AugmentPipeline::output_shape(const ImageShape& input) const {
    const std::int64_t size_h = options_.crop_size.value_or(input.height);
    const std::int64_t size_w = options_.crop_size.value_or(input.width);
    return {input.channels, size_h, size_w};
}

void AugmentPipeline::run(const ImageView& image, Generator& generator, float* output) const {
    const auto [height, width, channels] = image.shape;
    if (!options_.mean.empty() && channels != static_cast<std::int64_t>(normalized_.size())) {
        throw std::invalid_argument("AugmentPipeline: image " + to_string(image.shape) + " has " +
                                    std::to_string(channels) + " channels, mean/std have " +
                                    std::to_string(normalized_.size()));
    }
    const Shape out_shape = output_shape(image.shape);
    const std::int64_t output_height = out_shape[1], output_width = out_shape[2];

    // Draw exactly what RandomCrop, then RandomHorizontalFlip, would draw.
    std::int64_t top = 0, left = 0; // window corner in image coordinates (negative inside the padding)
    if (options_.crop_size) {
        const std::int64_t padded_height = height + 2 * options_.padding;
        const std::int64_t padded_width = width + 2 * options_.padding;
        if (output_height > padded_height || output_width > padded_width) {
            throw std::invalid_argument("AugmentPipeline: crop size " + std::to_string(output_height) +
                                        " is larger than the padded " + std::to_string(padded_height) + "x" +
                                        std::to_string(padded_width) + " image");
        }
        top = generator.integer(0, padded_height - output_height + 1) - options_.padding;
        left = generator.integer(0, padded_width - output_width + 1) - options_.padding;
    }
    const bool flip = options_.flip_probability > 0.0 && generator.uniform() < options_.flip_probability;

    // out[c][y][x] = table_c[ image[top + y][left + x'][c] ],  x' = flipped ? W'-1-x : x,
    // and table_c[0] (a zero pixel, normalized) where the window covers the padding.
    for (std::int64_t c = 0; c < channels; ++c) {
        const std::array<float, 256>& table = normalized_[normalized_.size() == 1 ? 0 : static_cast<std::size_t>(c)];
        for (std::int64_t y = 0; y < output_height; ++y) {
            const std::int64_t source_y = top + y;
            const bool row_inside = source_y >= 0 && source_y < height;
            for (std::int64_t x = 0; x < output_width; ++x) {
                const std::int64_t source_x = left + (flip ? output_width - 1 - x : x);
                const bool inside = row_inside && source_x >= 0 && source_x < width;
                *output++ = table[inside ? image.at(source_y, source_x, c) : 0];
            }
        }
    }
}

} // namespace kindling::datasets
