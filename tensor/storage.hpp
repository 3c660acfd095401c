// Storage: one block of raw, 64-byte aligned memory that tensors view.
//
// Several tensors (a tensor, its transpose, a slice of it) can point at the
// same Storage; it is freed when the last of them goes away (shared_ptr).
// 64-byte alignment lets the compiler and OpenBLAS use full-width vector loads.
//
// Large blocks are recycled (see storage.cpp): a training step allocates the
// same activation and gradient sizes every time, and on Linux a large block
// that goes back to the system costs a page fault per 4 KB on its next use.
#pragma once

#include <cstddef>

namespace kindling {

class Storage {
public:
    static constexpr std::size_t alignment = 64;

    explicit Storage(std::size_t bytes);
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    void* data() { return data_; }
    const void* data() const { return data_; }
    std::size_t bytes() const { return bytes_; }

private:
    void* data_ = nullptr;
    std::size_t bytes_ = 0;
};

// Bytes currently held for reuse by the block cache (for tests and benchmarks).
std::size_t cached_storage_bytes();

} // namespace kindling
