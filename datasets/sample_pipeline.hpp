// SamplePipeline: what the DataLoader does to each image on its way into a batch.
//
//   uint8 image [H, W, C]  --pipeline-->  float32 [C, H', W'] written into the batch
//
// Two pipelines, one result:
//   TransformPipeline   to_tensor, then any Transform (usually a Compose). Plain
//                       and general; allocates a few small tensors per sample.
//   AugmentPipeline     the usual training recipe fused into one pass:
//                       RandomCrop(size, padding) -> RandomHorizontalFlip(p) ->
//                       Normalize(mean, std), reading uint8 and writing the
//                       batch directly through a 256-entry lookup table per
//                       channel; no allocation at all.
// Given the same generator state, AugmentPipeline writes exactly the floats
// TransformPipeline(Compose{RandomCrop, RandomHorizontalFlip, Normalize}) does
// (the tests check it bit for bit), so the fast path is never a different recipe.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "datasets/dataset.hpp"
#include "datasets/transforms.hpp"

namespace kindling::datasets {

class SamplePipeline {
public:
    virtual ~SamplePipeline() = default;
    // [C, H', W'] of the output for images of `input` shape.
    virtual Shape output_shape(const ImageShape& input) const = 0;
    // Writes output_shape(image.shape)'s element count of floats to `output`.
    virtual void run(const ImageView& image, Generator& generator, float* output) const = 0;
};

class TransformPipeline : public SamplePipeline {
public:
    // Without a transform, the batch holds to_tensor(image).
    explicit TransformPipeline(std::shared_ptr<const Transform> transform = nullptr);
    Shape output_shape(const ImageShape& input) const override;
    void run(const ImageView& image, Generator& generator, float* output) const override;

private:
    std::shared_ptr<const Transform> transform_;
};

struct AugmentOptions {
    // RandomCrop(crop_size, padding) when set; the image is kept whole when not.
    std::optional<std::int64_t> crop_size = std::nullopt;
    std::int64_t padding = 0;
    // RandomHorizontalFlip(flip_probability); 0 turns it off (and draws nothing).
    double flip_probability = 0.0;
    // Normalize(mean, std); empty means mean 0, std 1 (plain ToTensor).
    std::vector<float> mean = {};
    std::vector<float> standard_deviation = {};
};

class AugmentPipeline : public SamplePipeline {
public:
    explicit AugmentPipeline(AugmentOptions options);
    Shape output_shape(const ImageShape& input) const override;
    void run(const ImageView& image, Generator& generator, float* output) const override;

    // The same recipe as composed transforms, for TransformPipeline (the reference).
    std::shared_ptr<const Transform> as_transforms() const;

private:
    AugmentOptions options_;
    // normalized[c][pixel] = normalize_value(pixel_to_unit(pixel), mean[c], std[c])
    std::vector<std::array<float, 256>> normalized_;
};

} // namespace kindling::datasets
