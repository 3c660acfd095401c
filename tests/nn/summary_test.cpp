#include <gtest/gtest.h>

#include "layers_test_support.hpp"
#include "nn/activations.hpp"
#include "nn/batchnorm.hpp"
#include "nn/linear.hpp"
#include "nn/sequential.hpp"
#include "nn/summary.hpp"

using namespace kindling;

TEST(Summary, RowsHaveOutputShapesAndParameterCounts) {
    nn::Sequential model(std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(784, 128),
                         std::make_shared<nn::BatchNorm1d>(128), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(128, 10));
    const nn::Summary result = nn::summary(model, {1, 28, 28});
    ASSERT_EQ(result.rows.size(), 5u);
    EXPECT_EQ(result.rows[0].layer, "Flatten-1");
    EXPECT_EQ(result.rows[0].output_shape, (Shape{2, 784}));
    EXPECT_EQ(result.rows[1].layer, "Linear-2");
    EXPECT_EQ(result.rows[1].name, "1");
    EXPECT_EQ(result.rows[1].parameters, 784 * 128 + 128);
    EXPECT_EQ(result.rows[4].output_shape, (Shape{2, 10}));
    EXPECT_EQ(result.total_parameters, 784 * 128 + 128 + 256 + 128 * 10 + 10);
    EXPECT_EQ(result.trainable_parameters, result.total_parameters);

    const std::string table = result.to_string();
    EXPECT_NE(table.find("Linear-2"), std::string::npos) << table;
    EXPECT_NE(table.find("[-1, 784]"), std::string::npos) << table;
    EXPECT_NE(table.find("Total params: 102,026"), std::string::npos) << table;
}

TEST(Summary, LeavesTrainingStateAndRunningStatsAlone) {
    auto batch_norm = std::make_shared<nn::BatchNorm1d>(3);
    nn::Sequential model(std::make_shared<nn::Linear>(3, 3), batch_norm);
    nn::summary(model, {3});
    EXPECT_TRUE(batch_norm->is_training());
    EXPECT_EQ(batch_norm->num_batches_tracked.item(), 0);
}

TEST(Summary, CountsFrozenParametersAsNonTrainable) {
    auto frozen = std::make_shared<nn::Linear>(4, 4);
    frozen->weight.requires_grad_(false);
    nn::Sequential model(frozen, std::make_shared<nn::Linear>(4, 2));
    const nn::Summary result = nn::summary(model, {4});
    EXPECT_EQ(result.total_parameters, 20 + 10);
    EXPECT_EQ(result.trainable_parameters, 4 + 10);
    EXPECT_NE(result.to_string().find("Non-trainable params: 16"), std::string::npos);
}
