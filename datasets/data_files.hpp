// Finding and reading data files, and what to tell a user who has none.
//
// Kindling never downloads anything. When a data set is missing, the loaders
// throw DataNotFoundError, whose message says where to get the data and how to
// point Kindling at it (the --data-dir flag of the command line).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace kindling::datasets {

// Where Debian's dataset-fashion-mnist package puts the four gzipped IDX files.
inline constexpr const char* default_fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

// How to obtain each data set; quoted in DataNotFoundError messages.
std::string how_to_get_cifar10();
std::string how_to_get_fashion_mnist();

class DataNotFoundError : public std::runtime_error {
public:
    // what_is_missing: "CIFAR-10 file /data/x/data_batch_1.bin"; how_to_get: one of the above.
    DataNotFoundError(const std::string& what_is_missing, const std::string& how_to_get);
};

// The whole file, or a runtime_error naming it. `op` prefixes the message.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path, const char* op);

// The whole file decompressed if it is gzip, as-is otherwise. zlib reads both
// (gzread passes plain files through), straight into memory: no temp files.
std::vector<std::uint8_t> read_possibly_gzipped_file(const std::filesystem::path& path, const char* op);

} // namespace kindling::datasets
