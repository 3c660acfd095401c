// Data leakage: test samples that also appear in the training set. The model
// has seen their answers, so the test score overstates how it does on new
// data. Exact duplicates are found by comparing content hashes.
//
// The data sets compute one hash per sample (content_hash of its tensor, or
// of the raw file bytes) and pass the two lists here.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/diagnostic.hpp"
#include "tensor/tensor.hpp"

namespace kindling::metrics {

// FNV-1a (64 bit) over the dtype, the shape and the elements' bytes in
// row-major order: equal tensors hash equal whatever their strides, and a
// [2, 3] and a [3, 2] holding the same bytes do not.
std::uint64_t content_hash(const Tensor& tensor);

// One hash per sample along dim 0 of a batch: [N, ...] -> N hashes.
std::vector<std::uint64_t> content_hashes(const Tensor& batch);

struct LeakedSample {
    std::int64_t train_index; // the first training sample with the same hash
    std::int64_t test_index;
};

// Every test sample whose hash occurs in the training set, in test order.
std::vector<LeakedSample> find_leaked_samples(const std::vector<std::uint64_t>& train_hashes,
                                              const std::vector<std::uint64_t>& test_hashes);

// A DataLeakage diagnostic when any test sample is leaked: numbers
// "leaked_samples", "test_samples", "leaked_fraction"; indices = the leaked
// test indices. nullopt when the splits are disjoint.
std::optional<Diagnostic> detect_data_leakage(const std::vector<std::uint64_t>& train_hashes,
                                              const std::vector<std::uint64_t>& test_hashes);

} // namespace kindling::metrics
