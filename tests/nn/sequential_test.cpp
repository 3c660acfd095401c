#include <gtest/gtest.h>

#include "layers_test_support.hpp"
#include "nn/activations.hpp"
#include "nn/batchnorm.hpp"
#include "nn/linear.hpp"
#include "nn/sequential.hpp"

using namespace kindling;

namespace {

// A model with two Sequential children, as a user would write one.
class TwoStageNet : public nn::Module {
public:
    TwoStageNet()
        : features(register_module("features", std::make_shared<nn::Sequential>(
                                                   std::make_shared<nn::Linear>(4, 8), std::make_shared<nn::ReLU>(),
                                                   std::make_shared<nn::BatchNorm1d>(8)))),
          classifier(register_module("classifier", std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(8, 3)))) {}
    Tensor forward(const Tensor& input) override { return (*classifier)((*features)(input)); }
    std::string type_name() const override { return "TwoStageNet"; }

    std::shared_ptr<nn::Sequential> features;
    std::shared_ptr<nn::Sequential> classifier;
};

} // namespace

TEST(Sequential, ChildrenAreNumberedAndParametersDotted) {
    TwoStageNet net;
    std::vector<std::string> names;
    for (const auto& [name, parameter] : net.named_parameters()) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"features.0.weight", "features.0.bias", "features.2.weight",
                                               "features.2.bias", "classifier.0.weight", "classifier.0.bias"}));
    EXPECT_EQ(net.named_buffers()[0].first, "features.2.running_mean");
    EXPECT_EQ(net.parameter_count(), 4 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
}

TEST(Sequential, ForwardChainsTheModulesInOrder) {
    nn::Sequential model(std::make_shared<nn::Linear>(3, 2), std::make_shared<nn::ReLU>());
    const Tensor x = tensor({{1, -2, 3}, {0.5, 0.5, -1}});
    const Tensor expected = relu(nn::functional::linear(x, model.at<nn::Linear>(0)->weight, model.at<nn::Linear>(0)->bias));
    EXPECT_EQ(model(x).to_vector<float>(), expected.to_vector<float>());
    EXPECT_EQ(model.size(), 2);
    EXPECT_EQ(model[-1]->type_name(), "ReLU");
    EXPECT_THROW(model[2], std::out_of_range);
    EXPECT_THROW(model.at<nn::Linear>(1), std::invalid_argument);
}

TEST(Sequential, GradcheckThroughTheChain) {
    nn::Sequential model(std::make_shared<nn::Linear>(3, 4), std::make_shared<nn::Tanh>(), std::make_shared<nn::Linear>(4, 2));
    model.to(DType::Float64);
    std::vector<Tensor> inputs{kindling::testing::random_leaf({5, 3}, 2)};
    for (const Tensor& parameter : model.parameters()) inputs.push_back(parameter);
    kindling::testing::expect_gradcheck([&](const std::vector<Tensor>& in) { return model(in[0]); }, inputs,
                                        "Sequential");
}

TEST(Sequential, TrainEvalReachesEveryChild) {
    TwoStageNet net;
    net.eval();
    EXPECT_FALSE(net.features->at<nn::BatchNorm1d>(2)->is_training());
    net.train();
    EXPECT_TRUE(net.features->at<nn::BatchNorm1d>(2)->is_training());
}

TEST(Sequential, PrintsLikePyTorch) {
    nn::Sequential model(std::make_shared<nn::Linear>(3, 2), std::make_shared<nn::ReLU>());
    EXPECT_EQ(model.to_string(),
              "Sequential(\n  (0): Linear(in_features=3, out_features=2, bias=True)\n  (1): ReLU()\n)");
}
