#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "metrics/segmentation.hpp"

using namespace kindling;
using namespace kindling::metrics;
using kindling::metrics::testing::int64_tensor;
using kindling::metrics::testing::sklearn_fixtures;

namespace {

void expect_matches(const OverlapResult& result, const nlohmann::json& per_class, double mean) {
    ASSERT_EQ(result.per_class.size(), per_class.size());
    for (std::size_t c = 0; c < per_class.size(); ++c) {
        if (per_class[c].is_null()) {
            EXPECT_TRUE(std::isnan(result.per_class[c])) << "class " << c << " is absent";
        } else {
            EXPECT_NEAR(result.per_class[c], per_class[c].get<double>(), 1e-12) << "class " << c;
        }
    }
    EXPECT_NEAR(result.mean, mean, 1e-12);
}

} // namespace

TEST(JaccardIndex, MatchesSklearnWithIgnoreIndexAndAbsentClass) {
    const nlohmann::json& fixture = sklearn_fixtures()["segmentation"];
    const Shape shape = fixture["shape"].get<Shape>();
    const SegmentationOptions options{.ignore_index = fixture["ignore_index"].get<std::int64_t>()};
    JaccardIndex iou(4, options);
    Dice dice(4, options);
    // One image per update: streaming over images equals the whole batch.
    const Tensor predictions = int64_tensor(fixture["predictions"], shape);
    const Tensor targets = int64_tensor(fixture["targets"], shape);
    for (std::int64_t image = 0; image < shape[0]; ++image) {
        iou.update(predictions.narrow(0, image, 1), targets.narrow(0, image, 1));
        dice.update(predictions.narrow(0, image, 1), targets.narrow(0, image, 1));
    }
    const OverlapResult iou_result = iou.compute();
    expect_matches(iou_result, fixture["iou"], fixture["mean_iou"].get<double>());
    expect_matches(dice.compute(), fixture["dice"], fixture["mean_dice"].get<double>());
    EXPECT_EQ(iou_result.absent_classes, fixture["absent_classes"].get<std::vector<std::int64_t>>());
}

TEST(JaccardIndex, IgnoredPixelsDoNotCount) {
    // Two pixels, one ignored: whatever was predicted there, IoU is perfect.
    JaccardIndex iou(2, {.ignore_index = 255});
    iou.update(tensor({{1, 0}}, DType::Int64), tensor({{1, 255}}, DType::Int64));
    const OverlapResult result = iou.compute();
    EXPECT_EQ(result.per_class[1], 1.0);
    EXPECT_TRUE(std::isnan(result.per_class[0])); // class 0 only occurs in the ignored pixel
    EXPECT_EQ(result.mean, 1.0);
}

TEST(JaccardIndex, LogitsArgmaxOverTheClassDimension) {
    // logits [N=1, K=2, H=1, W=2]: pixel 0 -> class 1, pixel 1 -> class 0.
    const Tensor logits = from_vector(std::vector<float>{0.0f, 3.0f, 1.0f, -1.0f}, {1, 2, 1, 2});
    const Tensor targets = from_vector(std::vector<std::int64_t>{1, 1}, {1, 1, 2});
    JaccardIndex iou(2);
    iou.update(logits, targets);
    const OverlapResult result = iou.compute();
    EXPECT_DOUBLE_EQ(result.per_class[0], 0.0); // predicted once, never true
    EXPECT_DOUBLE_EQ(result.per_class[1], 0.5); // 1 overlap / 2 in the union
}

TEST(Dice, EqualsTwoIouOverOnePlusIou) {
    const nlohmann::json& fixture = sklearn_fixtures()["segmentation"];
    const Shape shape = fixture["shape"].get<Shape>();
    JaccardIndex iou(4, {.ignore_index = 255});
    Dice dice(4, {.ignore_index = 255});
    iou.update(int64_tensor(fixture["predictions"], shape), int64_tensor(fixture["targets"], shape));
    dice.update(int64_tensor(fixture["predictions"], shape), int64_tensor(fixture["targets"], shape));
    for (std::size_t c = 0; c < 3; ++c) {
        const double j = iou.compute().per_class[c];
        EXPECT_NEAR(dice.compute().per_class[c], 2 * j / (1 + j), 1e-12);
    }
}
