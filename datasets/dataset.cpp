// The in-memory dataset, class selection, subsets and random splits.
#include "datasets/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "tensor/generator.hpp"
#include "tensor/tensor.hpp"

namespace kindling::datasets {

std::string to_string(const ImageShape& shape) {
    return std::to_string(shape.height) + "x" + std::to_string(shape.width) + "x" + std::to_string(shape.channels) +
           " (HxWxC)";
}

void Dataset::check_index(const char* op, std::int64_t index) const {
    if (index < 0 || index >= size()) {
        throw std::out_of_range(std::string(op) + ": sample index " + std::to_string(index) +
                                " out of range for a dataset of " + std::to_string(size()) + " samples");
    }
}

// --- InMemoryDataset ------------------------------------------------------------

InMemoryDataset::InMemoryDataset(ImageShape image_shape, std::vector<std::uint8_t> pixels,
                                 std::vector<std::int64_t> labels, std::vector<std::string> class_names)
    : image_shape_(image_shape), pixels_(std::move(pixels)), labels_(std::move(labels)),
      class_names_(std::move(class_names)) {
    const auto expected_bytes = static_cast<std::size_t>(image_shape_.numel()) * labels_.size();
    if (pixels_.size() != expected_bytes) {
        throw std::invalid_argument("InMemoryDataset: " + std::to_string(labels_.size()) + " images of " +
                                    to_string(image_shape_) + " need " + std::to_string(expected_bytes) +
                                    " pixel bytes, got " + std::to_string(pixels_.size()));
    }
    for (std::size_t i = 0; i < labels_.size(); ++i) {
        if (labels_[i] < 0 || labels_[i] >= num_classes()) {
            throw std::invalid_argument("InMemoryDataset: label of sample " + std::to_string(i) + " is " +
                                        std::to_string(labels_[i]) + ", expected 0.." +
                                        std::to_string(num_classes() - 1));
        }
    }
}

std::int64_t InMemoryDataset::label(std::int64_t index) const {
    check_index("InMemoryDataset::label", index);
    return labels_[static_cast<std::size_t>(index)];
}

ImageView InMemoryDataset::image(std::int64_t index) const {
    check_index("InMemoryDataset::image", index);
    return {pixels_.data() + index * image_shape_.numel(), image_shape_};
}

ImageView InMemoryDataset::image(std::int64_t index, std::vector<std::uint8_t>&) const { return image(index); }

std::shared_ptr<InMemoryDataset> select_classes(const InMemoryDataset& dataset,
                                                const std::vector<std::string>& class_names) {
    // old label -> new label, or -1 for classes left out.
    std::vector<std::int64_t> new_label(dataset.class_names().size(), -1);
    for (std::size_t wanted = 0; wanted < class_names.size(); ++wanted) {
        const auto& names = dataset.class_names();
        const auto found = std::find(names.begin(), names.end(), class_names[wanted]);
        if (found == names.end()) {
            std::string available;
            for (const auto& name : names) available += (available.empty() ? "" : ", ") + name;
            throw std::invalid_argument("select_classes: no class named '" + class_names[wanted] +
                                        "'; the dataset has: " + available);
        }
        new_label[static_cast<std::size_t>(found - names.begin())] = static_cast<std::int64_t>(wanted);
    }

    const std::size_t image_bytes = static_cast<std::size_t>(dataset.image_shape().numel());
    std::vector<std::uint8_t> pixels;
    std::vector<std::int64_t> labels;
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const std::int64_t relabelled = new_label[static_cast<std::size_t>(dataset.label(i))];
        if (relabelled < 0) continue;
        const std::uint8_t* source = dataset.image(i).pixels;
        pixels.insert(pixels.end(), source, source + image_bytes);
        labels.push_back(relabelled);
    }
    return std::make_shared<InMemoryDataset>(dataset.image_shape(), std::move(pixels), std::move(labels), class_names);
}

// --- Subset and random splits -------------------------------------------------------

Subset::Subset(std::shared_ptr<const Dataset> base, std::vector<std::int64_t> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {
    if (!base_) throw std::invalid_argument("Subset: the base dataset is null");
    for (const std::int64_t index : indices_) {
        if (index < 0 || index >= base_->size()) {
            throw std::out_of_range("Subset: index " + std::to_string(index) + " out of range for a dataset of " +
                                    std::to_string(base_->size()) + " samples");
        }
    }
}

std::int64_t Subset::label(std::int64_t index) const {
    check_index("Subset::label", index);
    return base_->label(indices_[static_cast<std::size_t>(index)]);
}

ImageView Subset::image(std::int64_t index, std::vector<std::uint8_t>& scratch) const {
    check_index("Subset::image", index);
    return base_->image(indices_[static_cast<std::size_t>(index)], scratch);
}

std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<std::int64_t>& lengths, std::uint64_t seed) {
    if (!dataset) throw std::invalid_argument("random_split: the dataset is null");
    const std::int64_t total = std::accumulate(lengths.begin(), lengths.end(), std::int64_t{0});
    if (total != dataset->size()) {
        throw std::invalid_argument("random_split: lengths add up to " + std::to_string(total) +
                                    ", the dataset has " + std::to_string(dataset->size()) + " samples");
    }
    // One permutation, cut into consecutive pieces: the pieces cannot overlap.
    Generator generator(seed);
    const std::vector<std::int64_t> order = randperm(dataset->size(), generator).to_vector<std::int64_t>();
    std::vector<std::shared_ptr<Subset>> subsets;
    auto start = order.begin();
    for (const std::int64_t length : lengths) {
        if (length < 0) throw std::invalid_argument("random_split: negative length " + std::to_string(length));
        subsets.push_back(std::make_shared<Subset>(dataset, std::vector<std::int64_t>(start, start + length)));
        start += length;
    }
    return subsets;
}

std::pair<std::shared_ptr<Subset>, std::shared_ptr<Subset>>
train_validation_split(std::shared_ptr<const Dataset> dataset, double validation_fraction, std::uint64_t seed) {
    if (!(validation_fraction >= 0.0 && validation_fraction <= 1.0)) {
        throw std::invalid_argument("train_validation_split: validation_fraction must be in [0, 1], got " +
                                    std::to_string(validation_fraction));
    }
    if (!dataset) throw std::invalid_argument("train_validation_split: the dataset is null");
    const auto validation_size =
        static_cast<std::int64_t>(std::llround(validation_fraction * static_cast<double>(dataset->size())));
    auto parts = random_split(dataset, {dataset->size() - validation_size, validation_size}, seed);
    return {parts[0], parts[1]};
}

} // namespace kindling::datasets
