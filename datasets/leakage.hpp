// Leakage: the same image in two splits (train and test, say) makes a test
// score measure memory instead of generalisation. These helpers find such
// duplicates by content, whatever their indices or labels.
//
// Each sample's pixels are hashed with 64-bit FNV-1a; samples whose hashes
// match are then compared byte for byte, so a hash collision can never report
// a false duplicate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "datasets/dataset.hpp"

namespace kindling::datasets {

// 64-bit FNV-1a (Fowler–Noll–Vo): for each byte, hash = (hash ^ byte) * prime.
std::uint64_t fnv1a_64(std::span<const std::uint8_t> bytes);

// fnv1a_64 of every sample's pixels, in index order.
std::vector<std::uint64_t> content_hashes(const Dataset& dataset);

struct CrossSplitDuplicate {
    std::int64_t first_index;  // index in the first split
    std::int64_t second_index; // index in the second split
    std::uint64_t hash;
};

// Every pair (i, j) with first[i] identical in pixels to second[j], sorted by
// (first_index, second_index). Empty when the splits share no image.
std::vector<CrossSplitDuplicate> find_cross_split_duplicates(const Dataset& first, const Dataset& second);

// The indices of `first` that also occur (by content) in `second`, sorted, each once.
std::vector<std::int64_t> leaked_indices(const Dataset& first, const Dataset& second);

} // namespace kindling::datasets
