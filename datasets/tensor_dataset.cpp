// TensorDataset: checking the tensors agree, reading one sample, gathering a batch.
#include "datasets/tensor_dataset.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kindling::datasets {

TensorDataset::TensorDataset(const Tensor& inputs, const Tensor& targets)
    : TensorDataset(std::vector<Tensor>{inputs, targets}) {}

TensorDataset::TensorDataset(const std::vector<Tensor>& tensors) {
    if (tensors.empty()) throw std::invalid_argument("TensorDataset: expected at least one tensor, got none");
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        const Tensor& tensor = tensors[k];
        const std::string which = "TensorDataset: tensor " + std::to_string(k);
        if (!tensor.defined()) throw std::invalid_argument(which + " is undefined");
        if (tensor.dim() == 0) {
            throw std::invalid_argument(which + " is 0-d (shape []); samples are rows along dimension 0, "
                                                "so every tensor needs at least one dimension");
        }
        const Tensor& first = tensors.front();
        if (tensor.size(0) != first.size(0)) {
            throw std::invalid_argument(which + " has shape " + shape_to_string(tensor.shape()) +
                                        " but tensor 0 has shape " + shape_to_string(first.shape()) +
                                        "; every tensor needs the same size of dimension 0 (the number of samples)");
        }
        tensors_.push_back(tensor.detach().contiguous());
    }
}

void TensorDataset::check_index(const char* op, std::int64_t index) const {
    if (index < 0 || index >= size()) {
        throw std::out_of_range(std::string(op) + ": sample index " + std::to_string(index) +
                                " out of range for a dataset of " + std::to_string(size()) + " samples");
    }
}

std::vector<Tensor> TensorDataset::get(std::int64_t index) const {
    check_index("TensorDataset::get", index);
    std::vector<Tensor> sample;
    for (const Tensor& tensor : tensors_) sample.push_back(tensor.select(0, index));
    return sample;
}

std::vector<Tensor> TensorDataset::gather(std::span<const std::int64_t> indices) const {
    for (const std::int64_t index : indices) check_index("TensorDataset::gather", index);
    const auto count = static_cast<std::int64_t>(indices.size());
    std::vector<Tensor> batch;
    for (const Tensor& source : tensors_) {
        // source: [N, ...] -> rows: [count, ...]; each row is one block of row_numel elements.
        Shape shape = source.shape();
        shape[0] = count;
        Tensor rows = empty(shape, source.dtype());
        const std::int64_t row_numel = shape_numel(Shape(shape.begin() + 1, shape.end()));
        visit_dtype(source.dtype(), [&]<typename T>() {
            const T* from = source.data<T>();
            T* to = rows.data<T>();
            for (std::int64_t i = 0; i < count; ++i) {
                std::copy_n(from + indices[static_cast<std::size_t>(i)] * row_numel, row_numel, to + i * row_numel);
            }
        });
        batch.push_back(std::move(rows));
    }
    return batch;
}

} // namespace kindling::datasets
