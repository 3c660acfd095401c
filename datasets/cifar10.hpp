// CIFAR-10 from the official binary release (cifar-10-batches-bin/).
//
// Each data_batch_N.bin / test_batch.bin is 10,000 records of 3,073 bytes:
//
//   byte 0          label, 0..9
//   bytes 1..1024   red   channel, 32 rows of 32 pixels, row-major
//   bytes 1025..    green channel, same order
//   bytes 2049..    blue  channel, same order
//
// batches.meta.txt lists the ten class names, one per line, in label order.
// The loader keeps everything in one HWC buffer: 60,000 images are 184 MB.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset.hpp"

namespace kindling::datasets {

enum class Split { Train, Test };

inline constexpr std::int64_t cifar10_image_size = 32;
inline constexpr std::int64_t cifar10_record_bytes = 1 + 3 * 32 * 32; // 3073

// Train = data_batch_1.bin .. data_batch_5.bin (50,000 images), Test =
// test_batch.bin (10,000). Class names come from batches.meta.txt. A missing
// folder or file throws DataNotFoundError saying where to get CIFAR-10.
std::shared_ptr<InMemoryDataset> load_cifar10(const std::filesystem::path& folder, Split split);

// The pieces load_cifar10 is made of, usable on their own (and in tests).
std::vector<std::string> read_cifar10_class_names(const std::filesystem::path& meta_file);
std::shared_ptr<InMemoryDataset> read_cifar10_batches(const std::vector<std::filesystem::path>& batch_files,
                                                      std::vector<std::string> class_names);

} // namespace kindling::datasets
