// TensorDataset: rows of tensors of any dtype and shape, the checks on its
// tensors, and gathering a batch.
#include <gtest/gtest.h>

#include "datasets/tensor_dataset.hpp"
#include "tensor/ops.hpp"
#include "test_files.hpp"

using namespace kindling;
using namespace kindling::datasets;
using kindling::datasets::testing::error_of;

TEST(TensorDataset, SamplesAreRowsOfEveryTensor) {
    const Tensor features = arange(0.0, 12.0).reshape({4, 3});              // float32 [4, 3]
    const Tensor targets = tensor({0.5, 1.5, 2.5, 3.5}, DType::Float64);    // regression, float64 [4]
    const Tensor labels = from_vector(std::vector<std::int64_t>{2, 0, 1, 2}); // int64 [4]
    const Tensor masks = arange(16).reshape({4, 2, 2});                      // int64 [4, 2, 2]
    const TensorDataset dataset({features, targets, labels, masks});
    EXPECT_EQ(dataset.size(), 4);
    ASSERT_EQ(dataset.tensors().size(), 4u);

    const std::vector<Tensor> sample = dataset.get(2);
    ASSERT_EQ(sample.size(), 4u);
    EXPECT_EQ(sample[0].shape(), (Shape{3}));
    EXPECT_EQ(sample[0].to_vector<float>(), (std::vector<float>{6, 7, 8}));
    EXPECT_EQ(sample[1].dtype(), DType::Float64);
    EXPECT_EQ(sample[1].item(), 2.5);
    EXPECT_EQ(sample[2].dtype(), DType::Int64);
    EXPECT_EQ(sample[2].item(), 1.0);
    EXPECT_EQ(sample[3].shape(), (Shape{2, 2}));
    EXPECT_EQ(sample[3].to_vector<std::int64_t>(), (std::vector<std::int64_t>{8, 9, 10, 11}));
    EXPECT_TRUE(sample[0].shares_storage_with(features)) << "get() returns views, like dataset[i] in PyTorch";
}

TEST(TensorDataset, GatherCopiesRowsInTheOrderGiven) {
    const Tensor features = arange(0.0, 10.0).reshape({5, 2});
    const Tensor masks = arange(0.0, 20.0).reshape({5, 2, 2});
    const TensorDataset dataset(features, masks);
    const std::vector<std::int64_t> indices{4, 0, 4};
    const std::vector<Tensor> rows = dataset.gather(indices);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].shape(), (Shape{3, 2}));
    EXPECT_EQ(rows[0].to_vector<float>(), (std::vector<float>{8, 9, 0, 1, 8, 9}));
    EXPECT_EQ(rows[1].shape(), (Shape{3, 2, 2}));
    EXPECT_EQ(rows[1].narrow(0, 1, 1).to_vector<float>(), (std::vector<float>{0, 1, 2, 3}));
    EXPECT_FALSE(rows[0].shares_storage_with(features));
    EXPECT_EQ(dataset.gather(std::vector<std::int64_t>{})[0].shape(), (Shape{0, 2}));
}

TEST(TensorDataset, NonContiguousTensorsGiveTheirLogicalRows) {
    // columns.t() is [3, 2] with strides [1, 3]: its row 1 is {1, 4}.
    const Tensor columns = arange(0.0, 6.0).reshape({2, 3});
    const TensorDataset dataset({columns.t()});
    EXPECT_EQ(dataset.get(1)[0].to_vector<float>(), (std::vector<float>{1, 4}));
    EXPECT_EQ(dataset.gather(std::vector<std::int64_t>{2, 1})[0].to_vector<float>(), (std::vector<float>{2, 5, 1, 4}));
}

TEST(TensorDataset, HoldsDataNotTheGraph) {
    Generator generator(3);
    const Tensor weights = randn({4, 2}, generator).requires_grad_();
    const Tensor features = weights * 2.0;
    const TensorDataset dataset({features});
    EXPECT_FALSE(dataset.tensors()[0].requires_grad());
    EXPECT_FALSE(dataset.gather(std::vector<std::int64_t>{0, 1})[0].requires_grad());
}

TEST(TensorDataset, RejectsTensorsThatDisagreeNamingBothShapes) {
    EXPECT_EQ(error_of([] { TensorDataset(zeros({100, 3}), zeros({99, 1})); }),
              "TensorDataset: tensor 1 has shape [99, 1] but tensor 0 has shape [100, 3]; every tensor needs the same "
              "size of dimension 0 (the number of samples)");
    EXPECT_EQ(error_of([] { TensorDataset(zeros({2}), scalar_tensor(1.0)); }),
              "TensorDataset: tensor 1 is 0-d (shape []); samples are rows along dimension 0, so every tensor needs at "
              "least one dimension");
    EXPECT_EQ(error_of([] { TensorDataset(zeros({2}), Tensor()); }), "TensorDataset: tensor 1 is undefined");
    EXPECT_EQ(error_of([] { TensorDataset(std::vector<Tensor>{}); }),
              "TensorDataset: expected at least one tensor, got none");
    const TensorDataset dataset({zeros({3, 2})});
    EXPECT_EQ(error_of([&] { dataset.get(3); }),
              "TensorDataset::get: sample index 3 out of range for a dataset of 3 samples");
    EXPECT_EQ(error_of([&] { dataset.gather(std::vector<std::int64_t>{0, -1}); }),
              "TensorDataset::gather: sample index -1 out of range for a dataset of 3 samples");
}
