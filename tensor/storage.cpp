// Allocation with a cache of large blocks.
//
// Why: glibc returns big freed blocks to the kernel (or cannot reuse them
// because small allocations fragment the heap around them), so the next
// tensor of the same size is fresh memory and every 4 KB page faults on first
// touch. A 16 MB conv output then costs 4096 page faults per training step.
// glibc serves a request of 128 KB or more with fresh pages from the kernel
// (mmap) and unmaps them on free, so even a 768 KB input gradient faults on
// every step. Keeping freed blocks of 64 KB and more, and handing them out
// again for the same size, removes that cost: a training step's sizes repeat
// exactly.
#include "tensor/storage.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>

namespace kindling {

namespace {

constexpr std::size_t smallest_cached_block = std::size_t{1} << 16; // smaller blocks: malloc does well
constexpr std::size_t largest_cache = std::size_t{512} << 20;       // freed beyond this goes back to the system

class BlockCache {
public:
    // A block of exactly `bytes` (already rounded to the alignment).
    void* take(std::size_t bytes) {
        {
            std::lock_guard lock(mutex_);
            const auto found = free_blocks_.find(bytes);
            if (found != free_blocks_.end()) {
                void* block = found->second;
                free_blocks_.erase(found);
                cached_bytes_ -= bytes;
                return block;
            }
        }
        void* block = std::aligned_alloc(Storage::alignment, bytes);
        if (block == nullptr) throw std::bad_alloc();
        return block;
    }

    void give_back(void* block, std::size_t bytes) {
        {
            std::lock_guard lock(mutex_);
            if (cached_bytes_ + bytes <= largest_cache) {
                free_blocks_.emplace(bytes, block);
                cached_bytes_ += bytes;
                return;
            }
        }
        std::free(block);
    }

    std::size_t cached_bytes() {
        std::lock_guard lock(mutex_);
        return cached_bytes_;
    }

private:
    std::mutex mutex_;
    std::multimap<std::size_t, void*> free_blocks_; // size -> block
    std::size_t cached_bytes_ = 0;
};

// Never destroyed: tensors held by static objects may be freed after main().
BlockCache& block_cache() {
    static BlockCache* const cache = new BlockCache;
    return *cache;
}

std::size_t rounded_size(std::size_t bytes) {
    return (bytes + Storage::alignment - 1) / Storage::alignment * Storage::alignment;
}

} // namespace

Storage::Storage(std::size_t bytes) : bytes_(bytes) {
    const std::size_t rounded = rounded_size(bytes); // aligned_alloc wants a multiple of the alignment
    if (rounded == 0) return;
    if (rounded >= smallest_cached_block) {
        data_ = block_cache().take(rounded);
    } else {
        data_ = std::aligned_alloc(alignment, rounded);
        if (data_ == nullptr) throw std::bad_alloc();
    }
}

Storage::~Storage() {
    const std::size_t rounded = rounded_size(bytes_);
    if (rounded >= smallest_cached_block) {
        block_cache().give_back(data_, rounded);
    } else {
        std::free(data_);
    }
}

std::size_t cached_storage_bytes() { return block_cache().cached_bytes(); }

} // namespace kindling
