#include "nn/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace kindling::nn {

// Tensor data is written and read as raw bytes in the machine's order.
static_assert(std::endian::native == std::endian::little, "safetensors: data is little-endian; big-endian hosts would "
                                                          "need byte swapping");

namespace {

using json = nlohmann::json;

// Header length limit, as in the reference implementation: a larger value
// means a corrupt file, not a real header.
constexpr std::uint64_t max_header_bytes = 100'000'000;

const char* safetensors_dtype(DType dtype) {
    switch (dtype) {
    case DType::Float32: return "F32";
    case DType::Float64: return "F64";
    case DType::Int64: return "I64";
    }
    throw std::logic_error("safetensors: unknown dtype");
}

// --- writing ------------------------------------------------------------------------------

[[noreturn]] void throw_io_error(const std::string& what, const std::string& path) {
    throw std::runtime_error("write_safetensors: " + what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int descriptor, const void* bytes, std::size_t count, const std::string& path) {
    const char* next = static_cast<const char*>(bytes);
    while (count > 0) {
        const ssize_t written = ::write(descriptor, next, count);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) throw_io_error("cannot write", path);
        next += written;
        count -= static_cast<std::size_t>(written);
    }
}

// The directory entry of a rename is only durable once the directory is synced.
void sync_directory_of(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (descriptor < 0) return; // best effort: the file itself is already synced
    ::fsync(descriptor);
    ::close(descriptor);
}

} // namespace

void write_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata) {
    // Header: one entry per tensor, data laid out back to back in the given order.
    json header = json::object();
    std::vector<Tensor> contiguous_tensors;
    std::uint64_t data_bytes = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name.empty() || name == "__metadata__" || header.contains(name)) {
            throw std::invalid_argument("write_safetensors: '" + path + "': tensor name '" + name +
                                        "' is empty, reserved or used twice");
        }
        if (!tensor.defined()) {
            throw std::invalid_argument("write_safetensors: '" + path + "': tensor '" + name + "' is undefined");
        }
        const std::uint64_t bytes = static_cast<std::uint64_t>(tensor.numel()) * dtype_size(tensor.dtype());
        header[name] = {{"dtype", safetensors_dtype(tensor.dtype())},
                        {"shape", tensor.shape()},
                        {"data_offsets", {data_bytes, data_bytes + bytes}}};
        data_bytes += bytes;
        contiguous_tensors.push_back(tensor.contiguous());
    }
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string header_text = header.dump();
    header_text.append((8 - header_text.size() % 8) % 8, ' ');
    const std::uint64_t header_length = header_text.size();

    // Write to a temporary file beside the target, then rename over it:
    // rename() within one directory is atomic on POSIX file systems.
    std::string temporary_path = path + ".tmp.XXXXXX";
    const int descriptor = ::mkstemp(temporary_path.data());
    if (descriptor < 0) throw_io_error("cannot create a temporary file beside", path);
    try {
        write_all(descriptor, &header_length, sizeof header_length, temporary_path);
        write_all(descriptor, header_text.data(), header_text.size(), temporary_path);
        for (const Tensor& tensor : contiguous_tensors) {
            const auto* bytes = static_cast<const char*>(tensor.impl().storage->data()) +
                                tensor.offset() * static_cast<std::int64_t>(dtype_size(tensor.dtype()));
            write_all(descriptor, bytes, static_cast<std::size_t>(tensor.numel()) * dtype_size(tensor.dtype()),
                      temporary_path);
        }
        if (::fsync(descriptor) != 0) throw_io_error("cannot fsync", temporary_path);
        if (::close(descriptor) != 0) throw_io_error("cannot close", temporary_path);
    } catch (...) {
        ::close(descriptor);
        ::unlink(temporary_path.c_str());
        throw;
    }
    if (::rename(temporary_path.c_str(), path.c_str()) != 0) {
        const int rename_error = errno;
        ::unlink(temporary_path.c_str());
        errno = rename_error;
        throw_io_error("cannot rename the temporary file to", path);
    }
    sync_directory_of(path);
}

// --- reading -------------------------------------------------------------------------------

namespace {

struct Entry {
    std::string name;
    DType dtype;
    Shape shape;
    std::uint64_t begin;
    std::uint64_t end;
};

class HeaderError : public std::runtime_error {
public:
    explicit HeaderError(const std::string& message) : std::runtime_error(message) {}
};

DType dtype_from_safetensors(const json& value, const std::string& name) {
    if (!value.is_string()) throw HeaderError("tensor '" + name + "': \"dtype\" is not a string");
    const std::string text = value.get<std::string>();
    if (text == "F32") return DType::Float32;
    if (text == "F64") return DType::Float64;
    if (text == "I64") return DType::Int64;
    throw HeaderError("tensor '" + name + "': unsupported dtype '" + text + "' (Kindling reads F32, F64, I64)");
}

std::uint64_t unsigned_integer(const json& value, const std::string& what) {
    if (!value.is_number_unsigned()) throw HeaderError(what + " is not a non-negative integer: " + value.dump());
    return value.get<std::uint64_t>();
}

Entry parse_entry(const std::string& name, const json& description) {
    if (!description.is_object()) throw HeaderError("tensor '" + name + "': entry is not a JSON object");
    for (const char* field : {"dtype", "shape", "data_offsets"}) {
        if (!description.contains(field)) throw HeaderError("tensor '" + name + "': no \"" + field + "\"");
    }
    Entry entry{name, dtype_from_safetensors(description["dtype"], name), {}, 0, 0};

    const json& shape = description["shape"];
    if (!shape.is_array()) throw HeaderError("tensor '" + name + "': \"shape\" is not an array");
    std::uint64_t element_count = 1;
    for (const json& size : shape) {
        const std::uint64_t value = unsigned_integer(size, "tensor '" + name + "': a shape entry");
        // Guard the byte count against overflow: no real tensor is this large.
        if (value != 0 && element_count > (std::uint64_t{1} << 60) / value) {
            throw HeaderError("tensor '" + name + "': shape " + shape.dump() + " is impossibly large");
        }
        element_count *= value;
        entry.shape.push_back(static_cast<std::int64_t>(value));
    }

    const json& offsets = description["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2) {
        throw HeaderError("tensor '" + name + "': \"data_offsets\" is not [begin, end]");
    }
    entry.begin = unsigned_integer(offsets[0], "tensor '" + name + "': data_offsets[0]");
    entry.end = unsigned_integer(offsets[1], "tensor '" + name + "': data_offsets[1]");
    const std::uint64_t expected_bytes = element_count * dtype_size(entry.dtype);
    if (entry.end < entry.begin || entry.end - entry.begin != expected_bytes) {
        throw HeaderError("tensor '" + name + "': data_offsets [" + std::to_string(entry.begin) + ", " +
                          std::to_string(entry.end) + ") should span " + std::to_string(expected_bytes) +
                          " bytes for " + description["dtype"].get<std::string>() + " " + shape.dump());
    }
    return entry;
}

Metadata parse_metadata(const json& value) {
    if (!value.is_object()) throw HeaderError("\"__metadata__\" is not a JSON object");
    Metadata metadata;
    for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) throw HeaderError("\"__metadata__\" value of '" + key + "' is not a string");
        metadata[key] = text.get<std::string>();
    }
    return metadata;
}

} // namespace

SafetensorsFile read_safetensors(const std::string& path) {
    const std::string where = "read_safetensors: '" + path + "': ";
    std::error_code status;
    if (!std::filesystem::is_regular_file(path, status)) {
        throw std::runtime_error(where + (status ? "cannot open: " + status.message() : "not a regular file"));
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(where + "cannot open: " + std::strerror(errno));
    const std::uint64_t file_size = std::filesystem::file_size(path);

    // 1. The header length.
    if (file_size < 8) {
        throw std::runtime_error(where + "file is " + std::to_string(file_size) +
                                 " bytes, too short for the 8-byte header length");
    }
    std::uint64_t header_length = 0;
    file.read(reinterpret_cast<char*>(&header_length), sizeof header_length);
    if (header_length > max_header_bytes || header_length > file_size - 8) {
        throw std::runtime_error(where + "header length " + std::to_string(header_length) +
                                 " (bytes 0-7) does not fit in a file of " + std::to_string(file_size) + " bytes");
    }

    // 2. The JSON header: parse and check every entry before allocating anything.
    std::string header_text(header_length, '\0');
    file.read(header_text.data(), static_cast<std::streamsize>(header_length));
    if (!file) throw std::runtime_error(where + "could not read the header at byte 8");
    const std::uint64_t data_start = 8 + header_length;
    const std::uint64_t data_size = file_size - data_start;

    SafetensorsFile result;
    std::vector<Entry> entries;
    try {
        json header;
        try {
            header = json::parse(header_text);
        } catch (const json::parse_error& error) {
            throw HeaderError(std::string("not valid JSON: ") + error.what());
        }
        if (!header.is_object()) throw HeaderError("is not a JSON object");
        for (const auto& [name, description] : header.items()) {
            if (name == "__metadata__") {
                result.metadata = parse_metadata(description);
            } else {
                entries.push_back(parse_entry(name, description));
            }
        }
        // The tensors must tile [0, data_size) exactly: sorted by offset, each
        // begins where the previous ended, the last ends at the end of the file.
        std::stable_sort(entries.begin(), entries.end(),
                         [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
        std::uint64_t covered = 0;
        for (const Entry& entry : entries) {
            if (entry.begin != covered) {
                throw HeaderError("tensor '" + entry.name + "' starts at data byte " + std::to_string(entry.begin) +
                                  " but the previous tensor ends at " + std::to_string(covered) +
                                  (entry.begin < covered ? " (overlap)" : " (gap)"));
            }
            covered = entry.end;
        }
        if (covered != data_size) {
            throw HeaderError("data_offsets cover " + std::to_string(covered) + " bytes but the file holds " +
                              std::to_string(data_size) + " bytes of data after byte " + std::to_string(data_start) +
                              (covered > data_size ? " (truncated file?)" : " (trailing bytes)"));
        }
    } catch (const HeaderError& error) {
        throw std::runtime_error(where + "header (bytes 8-" + std::to_string(data_start) + "): " + error.what());
    }

    // 3. The data, straight into each tensor's storage.
    for (const Entry& entry : entries) {
        Tensor tensor = empty(entry.shape, entry.dtype);
        file.read(static_cast<char*>(tensor.impl().storage->data()),
                  static_cast<std::streamsize>(entry.end - entry.begin));
        if (!file) {
            throw std::runtime_error(where + "could not read tensor '" + entry.name + "' at byte " +
                                     std::to_string(data_start + entry.begin));
        }
        result.tensors.emplace_back(entry.name, std::move(tensor));
    }
    return result;
}

} // namespace kindling::nn
