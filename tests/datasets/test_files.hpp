// Helpers for the datasets tests: a temporary folder, writers for small
// fixture files in each real format, and where the real data sets live.
#pragma once

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace kindling::datasets::testing {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::random_device entropy;
        path_ = std::filesystem::temp_directory_path() /
                ("kindling-datasets-test-" + std::to_string(entropy()) + std::to_string(entropy()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// The message of the exception `action` throws, or "no error".
inline std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "no error";
}

inline void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_gzip(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr) << path;
    gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
}

// An IDX file of unsigned bytes: magic 0x0000080D, D big-endian sizes, data.
inline std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& sizes,
                                           const std::vector<std::uint8_t>& values) {
    std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(sizes.size())};
    for (const std::uint32_t size : sizes) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(size >> shift));
    }
    bytes.insert(bytes.end(), values.begin(), values.end());
    return bytes;
}

// A CIFAR-10 record: label byte, then the R, G, B planes of a 32x32 image
// whose pixel (y, x, c) is (label * 7 + y * 3 + x * 5 + c * 11 + salt) % 256.
inline std::uint8_t cifar_test_pixel(int label, int y, int x, int c, int salt) {
    return static_cast<std::uint8_t>((label * 7 + y * 3 + x * 5 + c * 11 + salt) % 256);
}
inline void append_cifar_record(std::vector<std::uint8_t>& bytes, int label, int salt) {
    bytes.push_back(static_cast<std::uint8_t>(label));
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) bytes.push_back(cifar_test_pixel(label, y, x, c, salt));
}

inline const char* cifar_class_names_text =
    "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

// A solid-colour RGB image written as PNG, BMP or JPEG by stb_image_write.
inline void write_solid_image(const std::filesystem::path& path, int width, int height, std::uint8_t red,
                              std::uint8_t green, std::uint8_t blue) {
    std::filesystem::create_directories(path.parent_path());
    std::vector<std::uint8_t> pixels;
    for (int i = 0; i < width * height; ++i) pixels.insert(pixels.end(), {red, green, blue});
    std::string extension = path.extension().string();
    for (char& letter : extension) letter = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    int ok = 0;
    if (extension == ".png") ok = stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3);
    if (extension == ".bmp") ok = stbi_write_bmp(path.c_str(), width, height, 3, pixels.data());
    if (extension == ".jpg" || extension == ".jpeg") ok = stbi_write_jpg(path.c_str(), width, height, 3, pixels.data(), 95);
    ASSERT_NE(ok, 0) << "could not write " << path;
}

// The real CIFAR-10 folder: $KINDLING_CIFAR10_DIR, else unpacked from
// ../shared by its unpack script. ctest runs tests in parallel processes, so
// checking and unpacking happen under an exclusive lock on a lock file.
inline std::optional<std::filesystem::path> real_cifar10_dir() {
    if (const char* folder = std::getenv("KINDLING_CIFAR10_DIR")) return std::filesystem::path(folder);
    const std::filesystem::path script = std::filesystem::path(KINDLING_SHARED_DIR) / "datasets" / "unpack-cifar10";
    if (!std::filesystem::exists(script)) return std::nullopt;
    const std::filesystem::path unpacked = "/tmp/kindling-data/cifar-10-batches-bin";

    const int lock = ::open("/tmp/kindling-data.lock", O_CREAT | O_RDWR, 0666);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0) return std::nullopt;
    bool complete = std::filesystem::exists(unpacked / "batches.meta.txt");
    for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                             "data_batch_5.bin", "test_batch.bin"}) {
        std::error_code error;
        complete = complete && std::filesystem::file_size(unpacked / name, error) == 30730000 && !error;
    }
    const bool ready = complete || std::system(("sh '" + script.string() + "' > /dev/null").c_str()) == 0;
    ::close(lock); // releases the lock
    if (!ready) return std::nullopt;
    return unpacked;
}

inline std::filesystem::path real_cats_vs_dogs_dir() {
    return std::filesystem::path(KINDLING_SHARED_DIR) / "datasets" / "cats-vs-dogs";
}

} // namespace kindling::datasets::testing
