// Transforms against direct loops, and the fused pipeline against the composed one.
#include <gtest/gtest.h>

#include <cstring>

#include "datasets/sample_pipeline.hpp"
#include "datasets/transforms.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using namespace kindling::datasets;

namespace {

// A 5x7 RGB image with distinct pixel values.
struct TestImage {
    std::vector<std::uint8_t> pixels;
    ImageView view;
    explicit TestImage(std::int64_t height = 5, std::int64_t width = 7, std::int64_t channels = 3) {
        for (std::int64_t i = 0; i < height * width * channels; ++i) pixels.push_back(static_cast<std::uint8_t>(i * 37 % 256));
        view = {pixels.data(), {height, width, channels}};
    }
};

float value_at(const Tensor& image, std::int64_t c, std::int64_t y, std::int64_t x) {
    return static_cast<float>(image.at({c, y, x}));
}

} // namespace

TEST(ToTensor, IsChwInUnitRange) {
    const TestImage image;
    const Tensor tensor = to_tensor(image.view);
    EXPECT_EQ(tensor.shape(), (Shape{3, 5, 7}));
    EXPECT_EQ(tensor.dtype(), DType::Float32);
    for (const auto& [c, y, x] : {std::tuple{0, 0, 0}, {2, 4, 6}, {1, 3, 2}}) {
        EXPECT_FLOAT_EQ(value_at(tensor, c, y, x), image.view.at(y, x, c) / 255.0f);
    }
}

TEST(Normalize, MatchesFormulaPerChannel) {
    Generator generator(0);
    const Tensor image = to_tensor(TestImage().view);
    const Tensor normalized = Normalize({0.1f, 0.2f, 0.3f}, {0.5f, 0.25f, 2.0f})(image, generator);
    EXPECT_FLOAT_EQ(value_at(normalized, 0, 1, 1), (value_at(image, 0, 1, 1) - 0.1f) / 0.5f);
    EXPECT_FLOAT_EQ(value_at(normalized, 2, 4, 6), (value_at(image, 2, 4, 6) - 0.3f) / 2.0f);
    EXPECT_THROW(Normalize({0.5f}, {0.5f})(image, generator), std::invalid_argument);
    EXPECT_THROW(Normalize({0.5f, 0.5f}, {0.5f}), std::invalid_argument);
    EXPECT_THROW(Normalize({0.5f}, {0.0f}), std::invalid_argument);
}

TEST(RandomCrop, MatchesDirectLoopsOverPaddedImage) {
    const Tensor image = to_tensor(TestImage().view);
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        Generator generator(seed), replay(seed);
        const Tensor crop = RandomCrop(4, 2)(image, generator);
        ASSERT_EQ(crop.shape(), (Shape{3, 4, 4}));
        // The same draws, then the crop written out against a zero-padded [3, 9, 11] image.
        const std::int64_t top = replay.integer(0, 5 + 4 - 4 + 1), left = replay.integer(0, 7 + 4 - 4 + 1);
        for (std::int64_t c = 0; c < 3; ++c)
            for (std::int64_t y = 0; y < 4; ++y)
                for (std::int64_t x = 0; x < 4; ++x) {
                    const std::int64_t source_y = top + y - 2, source_x = left + x - 2;
                    const bool inside = source_y >= 0 && source_y < 5 && source_x >= 0 && source_x < 7;
                    ASSERT_EQ(value_at(crop, c, y, x), inside ? value_at(image, c, source_y, source_x) : 0.0f)
                        << "seed " << seed;
                }
    }
    Generator generator(0);
    EXPECT_THROW(RandomCrop(8)(image, generator), std::invalid_argument); // 8 > 5 rows, no padding
}

TEST(RandomHorizontalFlip, MirrorsColumnsWithProbabilityP) {
    Generator generator(3);
    const Tensor image = to_tensor(TestImage().view);
    const Tensor flipped = RandomHorizontalFlip(1.0)(image, generator);
    EXPECT_EQ(value_at(flipped, 1, 2, 0), value_at(image, 1, 2, 6));
    EXPECT_EQ(value_at(flipped, 2, 4, 5), value_at(image, 2, 4, 1));
    EXPECT_EQ(RandomHorizontalFlip(0.0)(image, generator).to_vector<float>(), image.to_vector<float>());
    int flips = 0;
    for (int i = 0; i < 400; ++i) flips += RandomHorizontalFlip(0.5)(image, generator).to_vector<float>() != image.to_vector<float>();
    EXPECT_GT(flips, 150);
    EXPECT_LT(flips, 250);
}

TEST(CenterCrop, RoundsOffsetHalfToEvenLikeTorchvision) {
    Generator generator(0);
    const Tensor image = to_tensor(TestImage(4, 7, 1).view);
    // rows: (4 - 3) / 2 = 0.5 -> 0; columns: (7 - 3) / 2 = 2.
    const Tensor crop = CenterCrop(3)(image, generator);
    EXPECT_EQ(crop.shape(), (Shape{1, 3, 3}));
    EXPECT_EQ(value_at(crop, 0, 0, 0), value_at(image, 0, 0, 2));
    EXPECT_EQ(value_at(crop, 0, 2, 2), value_at(image, 0, 2, 4));
    const Tensor image_6x6 = to_tensor(TestImage(6, 6, 1).view);
    // (6 - 3) / 2 = 1.5 -> 2
    EXPECT_EQ(value_at(CenterCrop(3)(image_6x6, generator), 0, 0, 0), value_at(image_6x6, 0, 2, 2));
}

TEST(Resize, ChangesSizeAndKeepsConstantImagesConstant) {
    Generator generator(0);
    const Tensor constant = full({3, 10, 12}, 0.25);
    const Tensor resized = Resize(4, 5)(constant, generator);
    EXPECT_EQ(resized.shape(), (Shape{3, 4, 5}));
    for (const float value : resized.to_vector<float>()) EXPECT_NEAR(value, 0.25f, 1e-6f);
    // Channels are resized independently.
    const Tensor two_tone = cat({full({1, 8, 8}, 0.0), full({1, 8, 8}, 1.0)}, 0);
    const Tensor small = Resize(3, 3)(two_tone, generator);
    EXPECT_NEAR(value_at(small, 0, 1, 1), 0.0f, 1e-6f);
    EXPECT_NEAR(value_at(small, 1, 1, 1), 1.0f, 1e-6f);
}

TEST(Compose, AppliesInOrderAndPredictsShape) {
    Generator generator(0), replay(0);
    const Tensor image = to_tensor(TestImage(9, 9).view);
    const Compose pipeline({std::make_shared<CenterCrop>(7), std::make_shared<RandomCrop>(5),
                            std::make_shared<Normalize>(std::vector<float>{0.5f, 0.5f, 0.5f},
                                                        std::vector<float>{0.5f, 0.5f, 0.5f})});
    const Tensor out = pipeline(image, generator);
    EXPECT_EQ(out.shape(), (Shape{3, 5, 5}));
    EXPECT_EQ(pipeline.output_shape({3, 9, 9}), (Shape{3, 5, 5}));
    const Tensor by_hand = Normalize({0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f})(
        RandomCrop(5)(CenterCrop(7)(image, replay), replay), replay);
    EXPECT_EQ(out.to_vector<float>(), by_hand.to_vector<float>());
}

TEST(Transforms, RejectWrongInputWithShape) {
    Generator generator(0);
    try {
        RandomHorizontalFlip(1.0)(zeros({2, 3}), generator);
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("RandomHorizontalFlip: expected a float32 [C, H, W] image, got float32 [2, 3]"),
                  std::string::npos)
            << error.what();
    }
}

TEST(AugmentPipeline, MatchesComposedTransformsBitForBit) {
    const TestImage image(32, 32, 3);
    const AugmentPipeline fused({.crop_size = 32, .padding = 4, .flip_probability = 0.5,
                                 .mean = {0.4914f, 0.4822f, 0.4465f}, .standard_deviation = {0.2470f, 0.2435f, 0.2616f}});
    const TransformPipeline reference(fused.as_transforms());
    ASSERT_EQ(fused.output_shape(image.view.shape), (Shape{3, 32, 32}));
    ASSERT_EQ(reference.output_shape(image.view.shape), (Shape{3, 32, 32}));
    std::vector<float> fused_out(3 * 32 * 32), reference_out(3 * 32 * 32);
    int flipped_or_shifted = 0;
    for (std::uint64_t seed = 0; seed < 64; ++seed) {
        Generator fused_generator(seed), reference_generator(seed);
        fused.run(image.view, fused_generator, fused_out.data());
        reference.run(image.view, reference_generator, reference_out.data());
        ASSERT_EQ(std::memcmp(fused_out.data(), reference_out.data(), fused_out.size() * sizeof(float)), 0)
            << "seed " << seed;
        ASSERT_EQ(fused_generator.next_u64(), reference_generator.next_u64()) << "both drew the same numbers";
        flipped_or_shifted += fused_out[0] != reference_out[1]; // keep the comparison from being vacuous
    }
    EXPECT_GT(flipped_or_shifted, 0);
}

TEST(AugmentPipeline, WithoutOptionsIsToTensor) {
    const TestImage image;
    const AugmentPipeline plain({});
    std::vector<float> out(3 * 5 * 7);
    Generator generator(0);
    plain.run(image.view, generator, out.data());
    EXPECT_EQ(out, to_tensor(image.view).to_vector<float>());
    const AugmentPipeline gray_normalized({.mean = {0.5f}, .standard_deviation = {0.5f}});
    EXPECT_THROW(gray_normalized.run(image.view, generator, out.data()), std::invalid_argument);
    EXPECT_THROW(AugmentPipeline({.standard_deviation = {0.5f}}), std::invalid_argument);
    EXPECT_THROW(AugmentPipeline({.crop_size = 4, .padding = -1}), std::invalid_argument);
}
