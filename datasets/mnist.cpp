// Parsing IDX files and building the MNIST / Fashion-MNIST datasets.
#include "datasets/mnist.hpp"

#include <cstdio>
#include <limits>

namespace kindling::datasets {

namespace {

std::uint32_t read_big_endian_u32(const std::uint8_t* bytes) {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
           std::uint32_t{bytes[3]};
}

std::string hex32(std::uint32_t value) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

std::string sizes_text(const std::vector<std::int64_t>& sizes) {
    std::string text;
    for (const auto size : sizes) text += (text.empty() ? "" : "x") + std::to_string(size);
    return text;
}

// `name` or, when only the gzipped one exists, `name`.gz.
std::filesystem::path find_idx_file(const std::filesystem::path& folder, const std::string& name,
                                    const std::string& dataset_name, const std::string& how_to_get) {
    for (const auto& candidate : {folder / (name + ".gz"), folder / name}) {
        if (std::filesystem::is_regular_file(candidate)) return candidate;
    }
    throw DataNotFoundError(dataset_name + " file " + (folder / name).string() + "[.gz]", how_to_get);
}

std::shared_ptr<InMemoryDataset> load_idx_split(const std::filesystem::path& folder, Split split,
                                                std::vector<std::string> class_names,
                                                const std::string& dataset_name, const std::string& how_to_get) {
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    return read_idx_dataset(find_idx_file(folder, prefix + "-images-idx3-ubyte", dataset_name, how_to_get),
                            find_idx_file(folder, prefix + "-labels-idx1-ubyte", dataset_name, how_to_get),
                            std::move(class_names));
}

} // namespace

IdxArray read_idx_file(const std::filesystem::path& path, int expected_dimensions) {
    const std::vector<std::uint8_t> bytes = read_possibly_gzipped_file(path, "read_idx_file");
    const std::string where = "read_idx_file: " + path.string() + ": ";
    if (bytes.size() < 4) {
        throw std::runtime_error(where + "only " + std::to_string(bytes.size()) +
                                 " bytes, expected at least a 4-byte magic number");
    }
    const std::uint32_t magic = read_big_endian_u32(bytes.data());
    const std::uint32_t expected_magic = 0x00000800u | static_cast<std::uint32_t>(expected_dimensions);
    if (magic != expected_magic) {
        throw std::runtime_error(where + "magic number at byte 0 is " + hex32(magic) + ", expected " +
                                 hex32(expected_magic) + " (unsigned bytes, " + std::to_string(expected_dimensions) +
                                 " dimensions)");
    }
    const std::size_t header_bytes = 4 + 4 * static_cast<std::size_t>(expected_dimensions);
    if (bytes.size() < header_bytes) {
        throw std::runtime_error(where + "file ends at byte " + std::to_string(bytes.size()) +
                                 " inside the header, which is " + std::to_string(header_bytes) + " bytes");
    }
    IdxArray array;
    std::int64_t element_count = 1;
    for (int d = 0; d < expected_dimensions; ++d) {
        const std::int64_t size = read_big_endian_u32(bytes.data() + 4 + 4 * d);
        array.sizes.push_back(size);
        // Saturate rather than overflow: a header of huge sizes must give an error, not UB.
        constexpr std::int64_t largest = std::numeric_limits<std::int64_t>::max();
        element_count = (size != 0 && element_count > largest / size) ? largest : element_count * size;
    }
    const std::size_t data_bytes = bytes.size() - header_bytes;
    if (data_bytes != static_cast<std::size_t>(element_count)) {
        throw std::runtime_error(where + "header says " + sizes_text(array.sizes) + " = " +
                                 std::to_string(element_count) + " bytes of data after the " +
                                 std::to_string(header_bytes) + "-byte header, the file has " +
                                 std::to_string(data_bytes) + (data_bytes < static_cast<std::size_t>(element_count)
                                                                   ? " (cut short at byte " +
                                                                         std::to_string(bytes.size()) + ")"
                                                                   : " (extra bytes at the end)"));
    }
    array.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header_bytes), bytes.end());
    return array;
}

std::shared_ptr<InMemoryDataset> read_idx_dataset(const std::filesystem::path& images_file,
                                                  const std::filesystem::path& labels_file,
                                                  std::vector<std::string> class_names) {
    IdxArray images = read_idx_file(images_file, 3);
    const IdxArray labels = read_idx_file(labels_file, 1);
    if (images.sizes[0] != labels.sizes[0]) {
        throw std::runtime_error("read_idx_dataset: " + images_file.string() + " holds " +
                                 std::to_string(images.sizes[0]) + " images but " + labels_file.string() +
                                 " holds " + std::to_string(labels.sizes[0]) + " labels");
    }
    std::vector<std::int64_t> label_values(labels.values.size());
    for (std::size_t i = 0; i < labels.values.size(); ++i) {
        if (labels.values[i] >= class_names.size()) {
            throw std::runtime_error("read_idx_dataset: " + labels_file.string() + ": label at byte " +
                                     std::to_string(8 + i) + " (after decompression) is " +
                                     std::to_string(labels.values[i]) + ", expected 0.." +
                                     std::to_string(class_names.size() - 1));
        }
        label_values[i] = labels.values[i];
    }
    // [N, H, W] gray pixels are already HWC with C = 1.
    const ImageShape shape{images.sizes[1], images.sizes[2], 1};
    return std::make_shared<InMemoryDataset>(shape, std::move(images.values), std::move(label_values),
                                             std::move(class_names));
}

const std::vector<std::string>& fashion_mnist_class_names() {
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

const std::vector<std::string>& mnist_class_names() {
    static const std::vector<std::string> names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    return names;
}

std::shared_ptr<InMemoryDataset> load_fashion_mnist(Split split, const std::filesystem::path& folder) {
    return load_idx_split(folder, split, fashion_mnist_class_names(), "Fashion-MNIST", how_to_get_fashion_mnist());
}

std::shared_ptr<InMemoryDataset> load_mnist(const std::filesystem::path& folder, Split split) {
    return load_idx_split(folder, split, mnist_class_names(), "MNIST",
                          "Get the four IDX files of MNIST (train-images-idx3-ubyte.gz and friends) and point "
                          "Kindling at their folder (--data-dir <folder> on the command line).");
}

} // namespace kindling::datasets
