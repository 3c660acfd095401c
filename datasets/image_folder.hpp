// ImageFolder: one sub-folder per class, like torchvision.datasets.ImageFolder.
//
//   root/cat/cat.1.jpg       label 0   (classes sorted by folder name)
//   root/cat/cat.2.jpg
//   root/dog/dog.1.jpg       label 1
//
// Files ending in .jpg .jpeg .png .bmp (any case) are decoded with stb_image,
// converted to RGB (or gray), and resized to one fixed size with
// stb_image_resize (Mitchell filter when shrinking, Catmull-Rom when
// enlarging; no aspect-ratio preservation, like Resize((h, w)) in torchvision).
//
// Construction lists the files and reads each one's header (stbi_info), so an
// unreadable file is reported at once, not in the middle of training. A file
// whose header is fine but whose data is corrupt fails when it is decoded,
// with its path in the message.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "datasets/dataset.hpp"

namespace kindling::datasets {

// Decodes one JPEG/PNG/BMP file with stb_image into `output`, converted to
// shape.channels (1 = gray, 3 = RGB) and resized to shape.height x shape.width
// (HWC bytes, shape.numel() of them). Throws naming the file when it cannot.
// ImageFolder uses it for every sample; `kindling predict` for single photos.
void decode_image_file(const std::filesystem::path& file, ImageShape shape, std::uint8_t* output);

struct ImageFolderOptions {
    std::int64_t height = 64; // every image is resized to height x width
    std::int64_t width = 64;
    bool grayscale = false; // 1 channel instead of 3
    // Keep each image after its first decode (height * width * channels bytes
    // per image): later epochs then cost no decoding at all.
    bool cache = false;
    // Leave out files stb_image cannot read, instead of failing; skipped()
    // lists them. Off by default: nothing is silently dropped.
    bool skip_unreadable = false;
};

class ImageFolder : public Dataset {
public:
    // Throws DataNotFoundError when root does not exist; runtime_error when it
    // or a class folder cannot be listed, has no class folders, a class folder
    // holds no images, or (without skip_unreadable) some files are unreadable.
    explicit ImageFolder(const std::filesystem::path& root, ImageFolderOptions options = {});

    std::int64_t size() const override { return static_cast<std::int64_t>(files_.size()); }
    ImageShape image_shape() const override;
    std::int64_t label(std::int64_t index) const override;
    ImageView image(std::int64_t index, std::vector<std::uint8_t>& scratch) const override;
    const std::vector<std::string>& class_names() const override { return class_names_; }

    const std::filesystem::path& path(std::int64_t index) const;

    struct SkippedFile {
        std::filesystem::path path;
        std::string reason; // stb_image's failure reason
    };
    const std::vector<SkippedFile>& skipped() const { return skipped_; }

private:
    struct File {
        std::filesystem::path path;
        std::int64_t label;
    };

    // Decodes file `index` and resizes it into `output` (image_shape().numel() bytes).
    void decode_into(std::int64_t index, std::uint8_t* output) const;

    ImageFolderOptions options_;
    std::vector<std::string> class_names_;
    std::vector<File> files_;
    std::vector<SkippedFile> skipped_;

    // The cache: one contiguous [N, H, W, C] buffer, each slot filled once.
    mutable std::vector<std::uint8_t> cache_;
    std::unique_ptr<std::once_flag[]> cache_filled_;
};

} // namespace kindling::datasets
