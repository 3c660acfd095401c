#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.hpp"
#include "metrics/regression.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using namespace kindling::metrics;
using kindling::metrics::testing::float64_tensor;
using kindling::metrics::testing::sklearn_fixtures;

TEST(Regression, MatchesSklearnStreamedInBatches) {
    const nlohmann::json& fixture = sklearn_fixtures()["regression"];
    const Tensor predictions = float64_tensor(fixture["predictions"]);
    const Tensor targets = float64_tensor(fixture["targets"]);
    MeanSquaredError mse;
    RootMeanSquaredError rmse;
    MeanAbsoluteError mae;
    PSNR psnr(1.0);
    for (std::int64_t start = 0; start < 120; start += 50) {
        const std::int64_t length = std::min<std::int64_t>(50, 120 - start);
        const Tensor p = predictions.narrow(0, start, length), t = targets.narrow(0, start, length);
        mse.update(p, t);
        rmse.update(p, t);
        mae.update(p, t);
        psnr.update(p, t);
    }
    EXPECT_NEAR(mse.compute(), fixture["mse"].get<double>(), 1e-14);
    EXPECT_NEAR(rmse.compute(), fixture["rmse"].get<double>(), 1e-14);
    EXPECT_NEAR(mae.compute(), fixture["mae"].get<double>(), 1e-14);
    EXPECT_NEAR(psnr.compute(), fixture["psnr_range_1"].get<double>(), 1e-10);
}

TEST(Regression, PsnrOfKnownImages) {
    // 8-bit images: every pixel off by 5 -> MSE 25 -> PSNR = 10 log10(255^2 / 25) = 34.15 dB.
    PSNR psnr(255.0);
    const Tensor image = full({2, 3, 4}, 100.0);
    psnr.update(image + 5.0, image);
    EXPECT_NEAR(psnr.compute(), 10.0 * std::log10(255.0 * 255.0 / 25.0), 1e-9);
    psnr.reset();
    psnr.update(image, image);
    EXPECT_TRUE(std::isinf(psnr.compute()));
}

TEST(Regression, RejectsMismatchedShapesAndEmptyState) {
    MeanSquaredError mse;
    try {
        mse.update(zeros({3}), zeros({4}));
        FAIL() << "shapes [3] and [4] must not combine";
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("[3]"), std::string::npos) << message;
        EXPECT_NE(message.find("[4]"), std::string::npos) << message;
    }
    EXPECT_THROW(mse.compute(), std::logic_error);
    EXPECT_THROW(PSNR(0.0), std::invalid_argument);
}
