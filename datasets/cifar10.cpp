// Reading CIFAR-10 binary batches into one contiguous HWC buffer.
#include "datasets/cifar10.hpp"

#include <fstream>

#include "datasets/data_files.hpp"

namespace kindling::datasets {

namespace {

std::filesystem::path existing_file(const std::filesystem::path& folder, const char* name) {
    const std::filesystem::path path = folder / name;
    if (!std::filesystem::is_regular_file(path)) {
        throw DataNotFoundError("CIFAR-10 file " + path.string(), how_to_get_cifar10());
    }
    return path;
}

} // namespace

std::vector<std::string> read_cifar10_class_names(const std::filesystem::path& meta_file) {
    std::ifstream file(meta_file);
    if (!file) throw DataNotFoundError("CIFAR-10 class-name file " + meta_file.string(), how_to_get_cifar10());
    std::vector<std::string> names;
    for (std::string line; std::getline(file, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    if (names.size() != 10) {
        throw std::runtime_error("read_cifar10_class_names: " + meta_file.string() + " lists " +
                                 std::to_string(names.size()) + " class names, expected 10");
    }
    return names;
}

std::shared_ptr<InMemoryDataset> read_cifar10_batches(const std::vector<std::filesystem::path>& batch_files,
                                                      std::vector<std::string> class_names) {
    constexpr std::int64_t plane = cifar10_image_size * cifar10_image_size; // pixels per channel
    std::vector<std::uint8_t> pixels;
    std::vector<std::int64_t> labels;
    for (const auto& path : batch_files) {
        const std::vector<std::uint8_t> bytes = read_file_bytes(path, "read_cifar10_batches");
        const auto size = static_cast<std::int64_t>(bytes.size());
        if (size == 0 || size % cifar10_record_bytes != 0) {
            throw std::runtime_error("read_cifar10_batches: " + path.string() + " has " + std::to_string(size) +
                                     " bytes, expected a non-zero multiple of " +
                                     std::to_string(cifar10_record_bytes) + " (label + 3x32x32 pixels); the record at byte " +
                                     std::to_string(size / cifar10_record_bytes * cifar10_record_bytes) +
                                     " is cut short");
        }
        const std::int64_t records = size / cifar10_record_bytes;
        const std::size_t first_pixel = pixels.size();
        pixels.resize(first_pixel + static_cast<std::size_t>(records * 3 * plane));
        for (std::int64_t r = 0; r < records; ++r) {
            const std::uint8_t* record = bytes.data() + r * cifar10_record_bytes;
            if (record[0] >= class_names.size()) {
                throw std::runtime_error("read_cifar10_batches: " + path.string() + ": label byte at offset " +
                                         std::to_string(r * cifar10_record_bytes) + " is " +
                                         std::to_string(record[0]) + ", expected 0.." +
                                         std::to_string(class_names.size() - 1));
            }
            labels.push_back(record[0]);
            // record planes [3][32*32] (CHW) -> image [32*32][3] (HWC)
            const std::uint8_t* planes = record + 1;
            std::uint8_t* image = pixels.data() + first_pixel + r * 3 * plane;
            for (std::int64_t p = 0; p < plane; ++p) {
                for (std::int64_t c = 0; c < 3; ++c) image[p * 3 + c] = planes[c * plane + p];
            }
        }
    }
    const ImageShape shape{cifar10_image_size, cifar10_image_size, 3};
    return std::make_shared<InMemoryDataset>(shape, std::move(pixels), std::move(labels), std::move(class_names));
}

std::shared_ptr<InMemoryDataset> load_cifar10(const std::filesystem::path& folder, Split split) {
    if (!std::filesystem::is_directory(folder)) {
        throw DataNotFoundError("CIFAR-10 folder " + folder.string(), how_to_get_cifar10());
    }
    std::vector<std::filesystem::path> batch_files;
    if (split == Split::Train) {
        for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                                 "data_batch_5.bin"}) {
            batch_files.push_back(existing_file(folder, name));
        }
    } else {
        batch_files.push_back(existing_file(folder, "test_batch.bin"));
    }
    return read_cifar10_batches(batch_files, read_cifar10_class_names(existing_file(folder, "batches.meta.txt")));
}

} // namespace kindling::datasets
