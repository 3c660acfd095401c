// Image transforms, as in torchvision.transforms.
//
// ToTensor turns a uint8 HWC image into a float32 CHW tensor in [0, 1]; every
// other transform maps a float32 [C, H, W] tensor to a new one and composes
// with Compose:
//
//   Compose train_transform({std::make_shared<RandomCrop>(32, 4),
//                            std::make_shared<RandomHorizontalFlip>(),
//                            std::make_shared<Normalize>(cifar10_mean, cifar10_std)});
//   Tensor x = train_transform(to_tensor(image), generator);
//
// Random transforms draw from the Generator they are given, never from a
// global one, so the DataLoader can give each sample its own seeded generator
// and a run is reproduced exactly. These are data preparation, not part of a
// model: they do not record autograd history.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "datasets/dataset.hpp"
#include "tensor/generator.hpp"
#include "tensor/tensor.hpp"

namespace kindling::datasets {

// Per-channel statistics of the training sets (pixel / 255 over all pixels),
// for Normalize. CIFAR-10's are the well-known published values; the tests
// recompute both from the real files.
inline const std::vector<float> cifar10_mean = {0.4914f, 0.4822f, 0.4465f};
inline const std::vector<float> cifar10_std = {0.2470f, 0.2435f, 0.2616f};
inline const std::vector<float> fashion_mnist_mean = {0.2860f};
inline const std::vector<float> fashion_mnist_std = {0.3530f};

// uint8 [H, W, C] -> float32 [C, H, W], each value pixel / 255.
Tensor to_tensor(const ImageView& image);

// The two per-value formulas, shared with the fused DataLoader path
// (sample_pipeline.hpp) so that both give the same floats, bit for bit.
inline float pixel_to_unit(std::uint8_t pixel) { return static_cast<float>(pixel) / 255.0f; }
inline float normalize_value(float value, float mean, float standard_deviation) {
    return (value - mean) / standard_deviation;
}

class Transform {
public:
    virtual ~Transform() = default;
    // image: float32 [C, H, W] -> float32 [C, H', W'].
    virtual Tensor operator()(const Tensor& image, Generator& generator) const = 0;
    // [C, H', W'] for an input of `input_shape` [C, H, W], without running.
    virtual Shape output_shape(const Shape& input_shape) const { return input_shape; }
};

// Applies its transforms in order.
class Compose : public Transform {
public:
    explicit Compose(std::vector<std::shared_ptr<const Transform>> transforms);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    Shape output_shape(const Shape& input_shape) const override;

private:
    std::vector<std::shared_ptr<const Transform>> transforms_;
};

// out[c] = (x[c] - mean[c]) / std[c]
class Normalize : public Transform {
public:
    Normalize(std::vector<float> mean, std::vector<float> standard_deviation);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    const std::vector<float>& mean() const { return mean_; }
    const std::vector<float>& standard_deviation() const { return standard_deviation_; }

private:
    std::vector<float> mean_;
    std::vector<float> standard_deviation_;
};

// Pads every side with `padding` zeros, then cuts a size x size window at a
// uniformly random position. Draws: top, then left (Generator::integer).
class RandomCrop : public Transform {
public:
    explicit RandomCrop(std::int64_t size, std::int64_t padding = 0);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    Shape output_shape(const Shape& input_shape) const override;
    std::int64_t size() const { return size_; }
    std::int64_t padding() const { return padding_; }

private:
    std::int64_t size_;
    std::int64_t padding_;
};

// Mirrors left-right with probability p. Draws: one uniform().
class RandomHorizontalFlip : public Transform {
public:
    explicit RandomHorizontalFlip(double probability = 0.5);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    double probability() const { return probability_; }

private:
    double probability_;
};

// The central size x size window; the offset (H - size) / 2 is rounded half
// to even, as torchvision's round() does.
class CenterCrop : public Transform {
public:
    explicit CenterCrop(std::int64_t size);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    Shape output_shape(const Shape& input_shape) const override;

private:
    std::int64_t size_;
};

// Resamples every channel to height x width with stb_image_resize's float
// resizer (Mitchell filter when shrinking, Catmull-Rom when enlarging).
class Resize : public Transform {
public:
    Resize(std::int64_t height, std::int64_t width);
    Tensor operator()(const Tensor& image, Generator& generator) const override;
    Shape output_shape(const Shape& input_shape) const override;

private:
    std::int64_t height_;
    std::int64_t width_;
};

} // namespace kindling::datasets
