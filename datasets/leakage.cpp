// Content hashes and cross-split duplicate search.
#include "datasets/leakage.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace kindling::datasets {

std::uint64_t fnv1a_64(std::span<const std::uint8_t> bytes) {
    constexpr std::uint64_t offset_basis = 0xCBF29CE484222325ull;
    constexpr std::uint64_t prime = 0x100000001B3ull;
    std::uint64_t hash = offset_basis;
    for (const std::uint8_t byte : bytes) hash = (hash ^ byte) * prime;
    return hash;
}

std::vector<std::uint64_t> content_hashes(const Dataset& dataset) {
    std::vector<std::uint64_t> hashes(static_cast<std::size_t>(dataset.size()));
    std::vector<std::uint8_t> scratch;
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const ImageView image = dataset.image(i, scratch);
        hashes[static_cast<std::size_t>(i)] =
            fnv1a_64({image.pixels, static_cast<std::size_t>(image.shape.numel())});
    }
    return hashes;
}

std::vector<CrossSplitDuplicate> find_cross_split_duplicates(const Dataset& first, const Dataset& second) {
    std::vector<CrossSplitDuplicate> duplicates;
    if (!(first.image_shape() == second.image_shape())) return duplicates; // different sizes cannot be equal

    // hash -> indices of `second` with that hash
    std::unordered_multimap<std::uint64_t, std::int64_t> second_by_hash;
    const std::vector<std::uint64_t> second_hashes = content_hashes(second);
    for (std::size_t j = 0; j < second_hashes.size(); ++j) {
        second_by_hash.emplace(second_hashes[j], static_cast<std::int64_t>(j));
    }

    const auto image_bytes = static_cast<std::size_t>(first.image_shape().numel());
    const std::vector<std::uint64_t> first_hashes = content_hashes(first);
    std::vector<std::uint8_t> first_scratch, second_scratch;
    for (std::size_t i = 0; i < first_hashes.size(); ++i) {
        const auto [begin, end] = second_by_hash.equal_range(first_hashes[i]);
        if (begin == end) continue;
        const ImageView first_image = first.image(static_cast<std::int64_t>(i), first_scratch);
        for (auto match = begin; match != end; ++match) {
            const ImageView second_image = second.image(match->second, second_scratch);
            if (std::memcmp(first_image.pixels, second_image.pixels, image_bytes) == 0) {
                duplicates.push_back({static_cast<std::int64_t>(i), match->second, first_hashes[i]});
            }
        }
    }
    std::sort(duplicates.begin(), duplicates.end(), [](const auto& a, const auto& b) {
        return a.first_index != b.first_index ? a.first_index < b.first_index : a.second_index < b.second_index;
    });
    return duplicates;
}

std::vector<std::int64_t> leaked_indices(const Dataset& first, const Dataset& second) {
    std::vector<std::int64_t> indices;
    for (const auto& duplicate : find_cross_split_duplicates(first, second)) {
        if (indices.empty() || indices.back() != duplicate.first_index) indices.push_back(duplicate.first_index);
    }
    return indices;
}

} // namespace kindling::datasets
