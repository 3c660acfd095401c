// MNIST and Fashion-MNIST from IDX files, gzipped or plain.
//
// An IDX file of unsigned bytes is
//
//   bytes 0..1   0x00 0x00
//   byte  2      0x08            element type: unsigned byte
//   byte  3      number of dimensions D (3 for images, 1 for labels)
//   bytes 4..    D sizes, each a big-endian uint32 (images: N, 28, 28; labels: N)
//   then         the N x ... bytes, row-major
//
// so the magic number is 0x00000803 for images and 0x00000801 for labels.
// Both data sets have the same four files:
//   train-images-idx3-ubyte  train-labels-idx1-ubyte   (60,000)
//   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte    (10,000)
// each possibly with a .gz suffix (read through zlib, no temp files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/cifar10.hpp"
#include "datasets/data_files.hpp"
#include "datasets/dataset.hpp"

namespace kindling::datasets {

// A decoded IDX array of unsigned bytes.
struct IdxArray {
    std::vector<std::int64_t> sizes; // e.g. {60000, 28, 28}
    std::vector<std::uint8_t> values;
};

// Reads an IDX file of `expected_dimensions` dims; a wrong magic number or a
// header whose sizes disagree with the file length throws, naming the file.
IdxArray read_idx_file(const std::filesystem::path& path, int expected_dimensions);

// Images [N, H, W] + labels [N] -> a one-channel InMemoryDataset.
std::shared_ptr<InMemoryDataset> read_idx_dataset(const std::filesystem::path& images_file,
                                                  const std::filesystem::path& labels_file,
                                                  std::vector<std::string> class_names);

// "T-shirt/top", "Trouser", ... "Ankle boot": Fashion-MNIST has no meta file.
const std::vector<std::string>& fashion_mnist_class_names();
// "0" .. "9".
const std::vector<std::string>& mnist_class_names();

// The split's two files from `folder` (default: Debian's dataset-fashion-mnist);
// a missing file throws DataNotFoundError saying where to get it.
std::shared_ptr<InMemoryDataset> load_fashion_mnist(Split split,
                                                    const std::filesystem::path& folder = default_fashion_mnist_dir);
std::shared_ptr<InMemoryDataset> load_mnist(const std::filesystem::path& folder, Split split);

} // namespace kindling::datasets
