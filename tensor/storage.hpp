// Storage: one block of raw, 64-byte aligned memory that tensors view.
//
// Several tensors (a tensor, its transpose, a slice of it) can point at the
// same Storage; it is freed when the last of them goes away (shared_ptr).
// 64-byte alignment lets the compiler and OpenBLAS use full-width vector loads.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace kindling {

class Storage {
public:
    static constexpr std::size_t alignment = 64;

    explicit Storage(std::size_t bytes) : bytes_(bytes) {
        // aligned_alloc wants a size that is a multiple of the alignment.
        const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
        data_ = rounded == 0 ? nullptr : std::aligned_alloc(alignment, rounded);
        if (rounded != 0 && data_ == nullptr) throw std::bad_alloc();
    }
    ~Storage() { std::free(data_); }
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    void* data() { return data_; }
    const void* data() const { return data_; }
    std::size_t bytes() const { return bytes_; }

private:
    void* data_ = nullptr;
    std::size_t bytes_ = 0;
};

} // namespace kindling
