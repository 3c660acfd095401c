// Listing an image folder, decoding with stb_image, resizing with stb_image_resize.
#include "datasets/image_folder.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "datasets/data_files.hpp"

namespace kindling::datasets {

namespace {

bool has_image_extension(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".jpg" || extension == ".jpeg" || extension == ".png" || extension == ".bmp";
}

// The entries of `folder` sorted by name; filesystem errors become messages naming the folder.
std::vector<std::filesystem::directory_entry> sorted_entries(const std::filesystem::path& folder) {
    std::vector<std::filesystem::directory_entry> entries;
    try {
        for (const auto& entry : std::filesystem::directory_iterator(folder)) entries.push_back(entry);
    } catch (const std::filesystem::filesystem_error& error) {
        throw std::runtime_error("ImageFolder: cannot list folder " + folder.string() + ": " + error.code().message());
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    return entries;
}

// Empty when stb_image can read the file's header, else the reason it cannot.
// Only the header is read, so listing a folder of large photos stays quick.
std::string header_problem(const std::filesystem::path& path) {
    std::error_code error;
    if (std::filesystem::file_size(path, error) == 0 && !error) return "empty file (0 bytes)";
    int width = 0, height = 0, channels = 0;
    if (stbi_info(path.c_str(), &width, &height, &channels) == 0) return stbi_failure_reason();
    return {};
}

// stb_image reads at most 2^31 - 1 bytes at once.
std::vector<std::uint8_t> read_image_file(const std::filesystem::path& path) {
    std::vector<std::uint8_t> bytes = read_file_bytes(path, "ImageFolder");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::runtime_error("ImageFolder: " + path.string() + " is larger than 2 GB");
    }
    return bytes;
}

} // namespace

ImageFolder::ImageFolder(const std::filesystem::path& root, ImageFolderOptions options) : options_(options) {
    if (options_.height <= 0 || options_.width <= 0) {
        throw std::invalid_argument("ImageFolder: image size must be positive, got " +
                                    std::to_string(options_.height) + "x" + std::to_string(options_.width));
    }
    if (!std::filesystem::exists(root)) {
        throw DataNotFoundError("Image folder " + root.string(),
                                "Give a folder holding one sub-folder of images per class (root/<class>/*.jpg), "
                                "e.g. with --data-dir <folder> on the command line.");
    }
    if (!std::filesystem::is_directory(root)) {
        throw std::runtime_error("ImageFolder: " + root.string() + " is not a folder");
    }

    std::vector<std::string> unreadable; // "path: reason", reported all at once
    for (const auto& class_entry : sorted_entries(root)) {
        if (!class_entry.is_directory()) continue;
        const std::int64_t label = static_cast<std::int64_t>(class_names_.size());
        class_names_.push_back(class_entry.path().filename().string());
        std::int64_t images_in_class = 0;
        for (const auto& file_entry : sorted_entries(class_entry.path())) {
            if (!file_entry.is_regular_file() || !has_image_extension(file_entry.path())) continue;
            ++images_in_class;
            const std::string problem = header_problem(file_entry.path());
            if (problem.empty()) {
                files_.push_back({file_entry.path(), label});
            } else if (options_.skip_unreadable) {
                skipped_.push_back({file_entry.path(), problem});
            } else {
                unreadable.push_back(file_entry.path().string() + ": " + problem);
            }
        }
        if (images_in_class == 0) {
            throw std::runtime_error("ImageFolder: class folder " + class_entry.path().string() +
                                     " holds no images (expected files ending in .jpg .jpeg .png .bmp)");
        }
    }
    if (class_names_.empty()) {
        throw std::runtime_error("ImageFolder: " + root.string() +
                                 " has no class sub-folders (expected root/<class>/<image>.jpg)");
    }
    if (!unreadable.empty()) {
        std::string message = "ImageFolder: " + std::to_string(unreadable.size()) + " unreadable image file(s) under " +
                              root.string() + " (set skip_unreadable to leave them out):";
        for (const auto& line : unreadable) message += "\n  " + line;
        throw std::runtime_error(message);
    }

    if (options_.cache) {
        cache_.resize(static_cast<std::size_t>(size() * image_shape().numel()));
        cache_filled_ = std::make_unique<std::once_flag[]>(files_.size());
    }
}

ImageShape ImageFolder::image_shape() const {
    return {options_.height, options_.width, options_.grayscale ? 1 : 3};
}

std::int64_t ImageFolder::label(std::int64_t index) const {
    check_index("ImageFolder::label", index);
    return files_[static_cast<std::size_t>(index)].label;
}

const std::filesystem::path& ImageFolder::path(std::int64_t index) const {
    check_index("ImageFolder::path", index);
    return files_[static_cast<std::size_t>(index)].path;
}

void decode_image_file(const std::filesystem::path& file, ImageShape shape, std::uint8_t* output) {
    const std::vector<std::uint8_t> bytes = read_image_file(file);
    const int channels = static_cast<int>(shape.channels);
    // stbi converts to the channel count we ask for (gray -> RGB, RGBA -> RGB, RGB -> luma).
    int width = 0, height = 0, channels_in_file = 0;
    const std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels_in_file,
                              channels),
        stbi_image_free);
    if (!decoded) {
        throw std::runtime_error("cannot decode " + file.string() + ": " + stbi_failure_reason());
    }
    // decoded: [height, width, channels] -> output: [shape.height, shape.width, channels]
    if (stbir_resize_uint8(decoded.get(), width, height, 0, output, static_cast<int>(shape.width),
                           static_cast<int>(shape.height), 0, channels) == 0) {
        throw std::runtime_error("cannot resize " + file.string() + " from " + std::to_string(height) + "x" +
                                 std::to_string(width) + " to " + to_string(shape));
    }
}

void ImageFolder::decode_into(std::int64_t index, std::uint8_t* output) const {
    decode_image_file(path(index), image_shape(), output);
}

ImageView ImageFolder::image(std::int64_t index, std::vector<std::uint8_t>& scratch) const {
    check_index("ImageFolder::image", index);
    const ImageShape shape = image_shape();
    if (!options_.cache) {
        scratch.resize(static_cast<std::size_t>(shape.numel()));
        decode_into(index, scratch.data());
        return {scratch.data(), shape};
    }
    // call_once: concurrent readers of one slot wait for a single decode; if it
    // throws, the slot stays empty and the next reader tries again.
    std::uint8_t* slot = cache_.data() + index * shape.numel();
    std::call_once(cache_filled_[static_cast<std::size_t>(index)], [&] { decode_into(index, slot); });
    return {slot, shape};
}

} // namespace kindling::datasets
