// Dataset: numbered samples, each one uint8 image and one integer label.
//
// Kindling tensors hold float32/float64/int64 only, so a decoded image is not a
// Tensor: it is an ImageView, a look at uint8 pixels in HWC order (row by row,
// channels interleaved — the layout of image files, PIL and numpy). The
// DataLoader turns images into float CHW batches (see sample_pipeline.hpp).
//
//   InMemoryDataset  every image in one contiguous buffer [N, H, W, C] (CIFAR-10, MNIST)
//   ImageFolder      decodes files on demand, optionally caching (image_folder.hpp)
//   Subset           a list of indices into another dataset (random_split)
//
// Every dataset's images share one shape, so a batch is one dense tensor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kindling::datasets {

// The size of one image: height x width x channels (1 = gray, 3 = RGB).
struct ImageShape {
    std::int64_t height = 0;
    std::int64_t width = 0;
    std::int64_t channels = 0;

    std::int64_t numel() const { return height * width * channels; }
    bool operator==(const ImageShape&) const = default;
};
std::string to_string(const ImageShape& shape); // "32x32x3 (HxWxC)"

// A read-only look at one uint8 HWC image: pixel (y, x, c) lives at
// pixels[(y * width + x) * channels + c].
struct ImageView {
    const std::uint8_t* pixels = nullptr;
    ImageShape shape;

    std::uint8_t at(std::int64_t y, std::int64_t x, std::int64_t c) const {
        return pixels[(y * shape.width + x) * shape.channels + c];
    }
};

class Dataset {
public:
    virtual ~Dataset() = default;

    virtual std::int64_t size() const = 0;
    // The shape every image of this dataset has.
    virtual ImageShape image_shape() const = 0;
    virtual std::int64_t label(std::int64_t index) const = 0;
    // The pixels of sample `index`. Datasets that hold their pixels return a
    // view of their own buffer and leave `scratch` alone; datasets that decode
    // write into `scratch` (reused across calls, so no allocation per sample)
    // and return a view of it. Safe to call from several threads at once.
    virtual ImageView image(std::int64_t index, std::vector<std::uint8_t>& scratch) const = 0;
    // Class names; label k is class_names()[k].
    virtual const std::vector<std::string>& class_names() const = 0;

    std::int64_t num_classes() const { return static_cast<std::int64_t>(class_names().size()); }

protected:
    // Throws std::out_of_range naming `op`, the index and the size.
    void check_index(const char* op, std::int64_t index) const;
};

// Images held in one contiguous uint8 buffer [N, H, W, C] plus int64 labels.
// Reading a sample copies nothing: the view points into the buffer.
class InMemoryDataset : public Dataset {
public:
    // Checks pixels.size() == N * H * W * C and every label in [0, class count).
    InMemoryDataset(ImageShape image_shape, std::vector<std::uint8_t> pixels, std::vector<std::int64_t> labels,
                    std::vector<std::string> class_names);

    std::int64_t size() const override { return static_cast<std::int64_t>(labels_.size()); }
    ImageShape image_shape() const override { return image_shape_; }
    std::int64_t label(std::int64_t index) const override;
    ImageView image(std::int64_t index, std::vector<std::uint8_t>& scratch) const override;
    ImageView image(std::int64_t index) const;
    const std::vector<std::string>& class_names() const override { return class_names_; }

    const std::vector<std::uint8_t>& pixels() const { return pixels_; }
    const std::vector<std::int64_t>& labels() const { return labels_; }

private:
    ImageShape image_shape_;
    std::vector<std::uint8_t> pixels_;
    std::vector<std::int64_t> labels_;
    std::vector<std::string> class_names_;
};

// Keeps only the samples of the named classes and relabels them 0..k-1 in the
// order given: select_classes(cifar, {"cat", "dog"}) gives cat = 0, dog = 1.
// Unknown names throw, listing the dataset's classes.
std::shared_ptr<InMemoryDataset> select_classes(const InMemoryDataset& dataset,
                                                const std::vector<std::string>& class_names);

// The samples base[indices[0]], base[indices[1]], ... of another dataset.
class Subset : public Dataset {
public:
    Subset(std::shared_ptr<const Dataset> base, std::vector<std::int64_t> indices);

    std::int64_t size() const override { return static_cast<std::int64_t>(indices_.size()); }
    ImageShape image_shape() const override { return base_->image_shape(); }
    std::int64_t label(std::int64_t index) const override;
    ImageView image(std::int64_t index, std::vector<std::uint8_t>& scratch) const override;
    const std::vector<std::string>& class_names() const override { return base_->class_names(); }

    const std::vector<std::int64_t>& indices() const { return indices_; }
    const std::shared_ptr<const Dataset>& base() const { return base_; }

private:
    std::shared_ptr<const Dataset> base_;
    std::vector<std::int64_t> indices_;
};

// Splits a dataset into non-overlapping random subsets of the given lengths
// (which must add up to its size), like torch.utils.data.random_split.
// The same seed gives the same split.
std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<std::int64_t>& lengths, std::uint64_t seed);

// {train, validation}: a random validation_fraction of the samples (rounded
// to the nearest count) is held out for validation.
std::pair<std::shared_ptr<Subset>, std::shared_ptr<Subset>>
train_validation_split(std::shared_ptr<const Dataset> dataset, double validation_fraction, std::uint64_t seed);

} // namespace kindling::datasets
