// TensorDataset: samples that are rows of tensors already in memory, like
// torch.utils.data.TensorDataset.
//
//   TensorDataset data(features, targets);    // features [N, 3], targets [N] (float or int64)
//   data.size();                               // N
//   data.get(7);                               // {features[7], targets[7]}: views, no copy
//   DataLoader loader(data, {.batch_size = 32, .shuffle = true});
//   for (auto& [x, y] : loader) { ... }        // x [32, 3], y [32]
//
// Sample i is row i (index i along dimension 0) of every tensor, so the
// tensors must agree on their first dimension, the number of samples. Rows
// may have any shape and dtype: float targets for regression, masks
// [N, H, W] for segmentation (int64 class indices or float), int64 labels
// for classification. Any number of tensors: TensorDataset({x}) for
// unlabelled data, TensorDataset({x, y, weights}).
//
// The dataset holds the data, not the autograd graph: the tensors are kept
// detached. Contiguous tensors are shared, not copied (an in-place change
// to them shows in later batches, as in PyTorch); a non-contiguous one (a
// transposed view, say) is made contiguous once here, so that gathering a
// batch copies each row as one block.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::datasets {

class TensorDataset {
public:
    TensorDataset(const Tensor& inputs, const Tensor& targets);
    // One or more tensors; throws naming both shapes when first dimensions differ.
    explicit TensorDataset(const std::vector<Tensor>& tensors);

    // Number of samples: the size of every tensor's dimension 0 (len(dataset) in PyTorch).
    std::int64_t size() const { return tensors_.front().size(0); }
    const std::vector<Tensor>& tensors() const { return tensors_; }

    // Sample `index`: row `index` of every tensor, as views (dataset[index] in PyTorch).
    std::vector<Tensor> get(std::int64_t index) const;
    // Rows indices[0], indices[1], ... of every tensor, copied into new tensors
    // [indices.size(), ...]: what the DataLoader makes a batch of.
    std::vector<Tensor> gather(std::span<const std::int64_t> indices) const;

private:
    void check_index(const char* op, std::int64_t index) const;

    std::vector<Tensor> tensors_;
};

} // namespace kindling::datasets
