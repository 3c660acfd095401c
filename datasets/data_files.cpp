// Reading whole data files (plain or gzipped) and the "no data" help text.
#include "datasets/data_files.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace kindling::datasets {

std::string how_to_get_cifar10() {
    return "Get the \"CIFAR-10 binary version (suitable for C programs)\" from "
           "https://www.cs.toronto.edu/~kriz/cifar.html, unpack it (tar -xzf cifar-10-binary.tar.gz), and "
           "point Kindling at the cifar-10-batches-bin folder (--data-dir <folder> on the command line).";
}

std::string how_to_get_fashion_mnist() {
    return std::string("Install Debian's package: apt-get install dataset-fashion-mnist (it puts the four "
                       "gzipped IDX files in ") +
           default_fashion_mnist_dir +
           "), or point Kindling at a folder holding train-images-idx3-ubyte.gz and friends "
           "(--data-dir <folder> on the command line).";
}

DataNotFoundError::DataNotFoundError(const std::string& what_is_missing, const std::string& how_to_get)
    : std::runtime_error(what_is_missing + " not found. " + how_to_get + " Kindling downloads nothing itself.") {}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path, const char* op) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) throw std::runtime_error(std::string(op) + ": cannot open " + path.string() + ": " + std::strerror(errno));
    const std::streamsize size = file.tellg();
    if (size < 0) throw std::runtime_error(std::string(op) + ": cannot read " + path.string() + " (not a regular file?)");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    file.seekg(0);
    if (!file.read(reinterpret_cast<char*>(bytes.data()), size)) {
        throw std::runtime_error(std::string(op) + ": read error in " + path.string() + " after byte " +
                                 std::to_string(file.gcount()) + " of " + std::to_string(size));
    }
    return bytes;
}

std::vector<std::uint8_t> read_possibly_gzipped_file(const std::filesystem::path& path, const char* op) {
    const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
    if (!file) throw std::runtime_error(std::string(op) + ": cannot open " + path.string() + ": " + std::strerror(errno));
    // The uncompressed size is not in a gzip header we can trust, so grow in chunks.
    std::vector<std::uint8_t> bytes;
    constexpr std::size_t chunk = 1 << 20;
    for (;;) {
        const std::size_t old_size = bytes.size();
        bytes.resize(old_size + chunk);
        const int got = gzread(file.get(), bytes.data() + old_size, static_cast<unsigned>(chunk));
        if (got < 0) {
            int error_code = 0;
            const char* message = gzerror(file.get(), &error_code);
            throw std::runtime_error(std::string(op) + ": corrupt gzip data in " + path.string() + " after " +
                                     std::to_string(old_size) + " uncompressed bytes: " + message);
        }
        bytes.resize(old_size + static_cast<std::size_t>(got));
        if (got == 0) break;
    }
    // A gzip stream cut short ends without an error from gzread: ask zlib.
    int error_code = 0;
    const char* message = gzerror(file.get(), &error_code);
    if (error_code != Z_OK && error_code != Z_STREAM_END) {
        throw std::runtime_error(std::string(op) + ": corrupt gzip data in " + path.string() + " after " +
                                 std::to_string(bytes.size()) + " uncompressed bytes: " + message);
    }
    return bytes;
}

} // namespace kindling::datasets
