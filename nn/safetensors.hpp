// The safetensors file format: named tensors in one flat file that Python
// (safetensors, or a few lines of json + struct) and Kindling both read.
//
//   byte 0        8                      8 + N                          end of file
//        +--------+----------------------+--------------------------------+
//        |   N    |  JSON header (N bytes)|  raw tensor data (byte buffer) |
//        +--------+----------------------+--------------------------------+
//   N: unsigned 64-bit little-endian length of the header.
//   header: {"fc.weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]},
//            "fc.bias":   {"dtype": "F32", "shape": [3],    "data_offsets": [48, 60]},
//            "__metadata__": {"any": "text"}}              (optional string map)
//   data_offsets: [begin, end) in bytes, counted from the start of the byte
//   buffer; the tensors tile the buffer exactly, with no gaps and no overlap.
//   Data is row-major, little-endian. Kindling reads and writes F32, F64, I64.
//
// The writer pads the header with spaces to a multiple of 8 bytes, so every
// tensor's data starts 8-byte aligned (as Python's safetensors does).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::nn {

// Text key/value pairs stored in a checkpoint's "__metadata__".
using Metadata = std::map<std::string, std::string>;

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct SafetensorsFile {
    NamedTensors tensors; // in the order of their data in the file
    Metadata metadata;
};

// Writes atomically: to a temporary file in the same directory, fsync, then
// rename over `path`. A crash leaves either the old file or the new one,
// never half a checkpoint. Names must be unique and non-empty.
void write_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {});

// Reads and validates the whole file: header length, JSON, dtypes, shapes and
// that the offsets tile the data exactly. Any problem throws
// std::runtime_error naming the file and the byte offset or tensor.
SafetensorsFile read_safetensors(const std::string& path);

} // namespace kindling::nn
