// The transforms: each a plain loop over a float32 [C, H, W] tensor.
#include "datasets/transforms.hpp"

#include <stb_image_resize.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace kindling::datasets {

namespace {

// Every transform takes a float32 [C, H, W] image; returns it contiguous.
Tensor checked_image(const Tensor& image, const char* op) {
    if (!image.defined() || image.dim() != 3 || image.dtype() != DType::Float32) {
        throw std::invalid_argument(std::string(op) + ": expected a float32 [C, H, W] image, got " +
                                    (image.defined() ? std::string(dtype_name(image.dtype())) + " " +
                                                           shape_to_string(image.shape())
                                                     : std::string("an undefined tensor")));
    }
    return image.contiguous();
}

void check_crop_fits(const char* op, std::int64_t size, std::int64_t height, std::int64_t width) {
    if (size > height || size > width) {
        throw std::invalid_argument(std::string(op) + ": crop size " + std::to_string(size) + " is larger than the " +
                                    std::to_string(height) + "x" + std::to_string(width) + " image");
    }
}

} // namespace

Tensor to_tensor(const ImageView& image) {
    const auto [height, width, channels] = image.shape;
    Tensor result = empty({channels, height, width});
    float* out = result.data<float>();
    // [H, W, C] -> [C, H, W]
    for (std::int64_t c = 0; c < channels; ++c) {
        for (std::int64_t y = 0; y < height; ++y) {
            for (std::int64_t x = 0; x < width; ++x) *out++ = pixel_to_unit(image.at(y, x, c));
        }
    }
    return result;
}

// --- Compose --------------------------------------------------------------------

Compose::Compose(std::vector<std::shared_ptr<const Transform>> transforms) : transforms_(std::move(transforms)) {
    for (const auto& transform : transforms_) {
        if (!transform) throw std::invalid_argument("Compose: a transform is null");
    }
}

Tensor Compose::operator()(const Tensor& image, Generator& generator) const {
    Tensor result = image;
    for (const auto& transform : transforms_) result = (*transform)(result, generator);
    return result;
}

Shape Compose::output_shape(const Shape& input_shape) const {
    Shape shape = input_shape;
    for (const auto& transform : transforms_) shape = transform->output_shape(shape);
    return shape;
}

// --- Normalize ------------------------------------------------------------------

Normalize::Normalize(std::vector<float> mean, std::vector<float> standard_deviation)
    : mean_(std::move(mean)), standard_deviation_(std::move(standard_deviation)) {
    if (mean_.empty() || mean_.size() != standard_deviation_.size()) {
        throw std::invalid_argument("Normalize: mean has " + std::to_string(mean_.size()) + " values and std has " +
                                    std::to_string(standard_deviation_.size()) + "; expected one per channel");
    }
    for (const float deviation : standard_deviation_) {
        if (!(deviation > 0.0f)) throw std::invalid_argument("Normalize: std must be positive, got " + std::to_string(deviation));
    }
}

Tensor Normalize::operator()(const Tensor& image, Generator&) const {
    const Tensor input = checked_image(image, "Normalize");
    const std::int64_t channels = input.size(0);
    if (channels != static_cast<std::int64_t>(mean_.size())) {
        throw std::invalid_argument("Normalize: image " + shape_to_string(input.shape()) + " has " +
                                    std::to_string(channels) + " channels, mean/std have " +
                                    std::to_string(mean_.size()));
    }
    Tensor result = empty(input.shape());
    const std::int64_t plane = input.size(1) * input.size(2);
    const float* in = input.data<float>();
    float* out = result.data<float>();
    for (std::int64_t c = 0; c < channels; ++c) {
        const auto channel = static_cast<std::size_t>(c);
        for (std::int64_t i = c * plane; i < (c + 1) * plane; ++i) {
            out[i] = normalize_value(in[i], mean_[channel], standard_deviation_[channel]);
        }
    }
    return result;
}

// --- RandomCrop -----------------------------------------------------------------

RandomCrop::RandomCrop(std::int64_t size, std::int64_t padding) : size_(size), padding_(padding) {
    if (size <= 0 || padding < 0) {
        throw std::invalid_argument("RandomCrop: size must be positive and padding non-negative, got size " +
                                    std::to_string(size) + ", padding " + std::to_string(padding));
    }
}

Shape RandomCrop::output_shape(const Shape& input_shape) const { return {input_shape.at(0), size_, size_}; }

Tensor RandomCrop::operator()(const Tensor& image, Generator& generator) const {
    const Tensor input = checked_image(image, "RandomCrop");
    const std::int64_t channels = input.size(0), height = input.size(1), width = input.size(2);
    check_crop_fits("RandomCrop", size_, height + 2 * padding_, width + 2 * padding_);
    // The window's corner in padded coordinates, then shifted back into the image's.
    const std::int64_t top = generator.integer(0, height + 2 * padding_ - size_ + 1) - padding_;
    const std::int64_t left = generator.integer(0, width + 2 * padding_ - size_ + 1) - padding_;

    Tensor result = empty({channels, size_, size_});
    const float* in = input.data<float>();
    float* out = result.data<float>();
    for (std::int64_t c = 0; c < channels; ++c) {
        for (std::int64_t y = 0; y < size_; ++y) {
            for (std::int64_t x = 0; x < size_; ++x) {
                const std::int64_t source_y = top + y, source_x = left + x;
                const bool inside = source_y >= 0 && source_y < height && source_x >= 0 && source_x < width;
                *out++ = inside ? in[(c * height + source_y) * width + source_x] : 0.0f;
            }
        }
    }
    return result;
}

// --- RandomHorizontalFlip ---------------------------------------------------------

RandomHorizontalFlip::RandomHorizontalFlip(double probability) : probability_(probability) {
    if (!(probability >= 0.0 && probability <= 1.0)) {
        throw std::invalid_argument("RandomHorizontalFlip: probability must be in [0, 1], got " +
                                    std::to_string(probability));
    }
}

Tensor RandomHorizontalFlip::operator()(const Tensor& image, Generator& generator) const {
    const Tensor input = checked_image(image, "RandomHorizontalFlip");
    if (!(generator.uniform() < probability_)) return input;
    const std::int64_t rows = input.size(0) * input.size(1), width = input.size(2);
    Tensor result = empty(input.shape());
    const float* in = input.data<float>();
    float* out = result.data<float>();
    for (std::int64_t row = 0; row < rows; ++row) {
        for (std::int64_t x = 0; x < width; ++x) out[row * width + x] = in[row * width + (width - 1 - x)];
    }
    return result;
}

// --- CenterCrop -------------------------------------------------------------------

CenterCrop::CenterCrop(std::int64_t size) : size_(size) {
    if (size <= 0) throw std::invalid_argument("CenterCrop: size must be positive, got " + std::to_string(size));
}

Shape CenterCrop::output_shape(const Shape& input_shape) const { return {input_shape.at(0), size_, size_}; }

Tensor CenterCrop::operator()(const Tensor& image, Generator&) const {
    const Tensor input = checked_image(image, "CenterCrop");
    const std::int64_t height = input.size(1), width = input.size(2);
    check_crop_fits("CenterCrop", size_, height, width);
    // std::nearbyint rounds half to even in the default rounding mode, like Python's round().
    const auto top = static_cast<std::int64_t>(std::nearbyint(static_cast<double>(height - size_) / 2.0));
    const auto left = static_cast<std::int64_t>(std::nearbyint(static_cast<double>(width - size_) / 2.0));
    return input.narrow(1, top, size_).narrow(2, left, size_).contiguous();
}

// --- Resize -------------------------------------------------------------------------

Resize::Resize(std::int64_t height, std::int64_t width) : height_(height), width_(width) {
    if (height <= 0 || width <= 0) {
        throw std::invalid_argument("Resize: size must be positive, got " + std::to_string(height) + "x" +
                                    std::to_string(width));
    }
}

Shape Resize::output_shape(const Shape& input_shape) const { return {input_shape.at(0), height_, width_}; }

Tensor Resize::operator()(const Tensor& image, Generator&) const {
    const Tensor input = checked_image(image, "Resize");
    const std::int64_t channels = input.size(0), height = input.size(1), width = input.size(2);
    Tensor result = empty({channels, height_, width_});
    // CHW stores each channel as its own gray image: resize them one by one.
    for (std::int64_t c = 0; c < channels; ++c) {
        const float* in = input.data<float>() + c * height * width;
        float* out = result.data<float>() + c * height_ * width_;
        if (stbir_resize_float(in, static_cast<int>(width), static_cast<int>(height), 0, out,
                               static_cast<int>(width_), static_cast<int>(height_), 0, 1) == 0) {
            throw std::runtime_error("Resize: stb_image_resize failed from " + shape_to_string(input.shape()) + " to " +
                                     shape_to_string(result.shape()));
        }
    }
    return result;
}

} // namespace kindling::datasets
