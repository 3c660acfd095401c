#include "metrics/data_leakage.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

namespace kindling::metrics {

namespace {

constexpr std::uint64_t fnv_offset_basis = 14695981039346656037ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

void hash_bytes(std::uint64_t& hash, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= fnv_prime;
    }
}

} // namespace

std::uint64_t content_hash(const Tensor& tensor) {
    std::uint64_t hash = fnv_offset_basis;
    const auto dtype = static_cast<std::int64_t>(tensor.dtype());
    hash_bytes(hash, &dtype, sizeof dtype);
    for (std::int64_t size : tensor.shape()) hash_bytes(hash, &size, sizeof size);
    // contiguous() gives row-major order, so a strided view hashes like its copy.
    const Tensor dense = tensor.detach().contiguous();
    visit_dtype(dense.dtype(), [&]<typename T>() {
        hash_bytes(hash, dense.data<T>(), static_cast<std::size_t>(dense.numel()) * sizeof(T));
    });
    return hash;
}

std::vector<std::uint64_t> content_hashes(const Tensor& batch) {
    if (batch.dim() < 1) {
        throw std::invalid_argument("content_hashes: expected a batch [N, ...], got shape " +
                                    shape_to_string(batch.shape()));
    }
    std::vector<std::uint64_t> hashes;
    for (std::int64_t i = 0; i < batch.size(0); ++i) hashes.push_back(content_hash(batch.select(0, i)));
    return hashes;
}

std::vector<LeakedSample> find_leaked_samples(const std::vector<std::uint64_t>& train_hashes,
                                              const std::vector<std::uint64_t>& test_hashes) {
    // hash -> first training index: one pass over each split.
    std::unordered_map<std::uint64_t, std::int64_t> first_train_index;
    for (std::size_t i = 0; i < train_hashes.size(); ++i) {
        first_train_index.emplace(train_hashes[i], static_cast<std::int64_t>(i));
    }
    std::vector<LeakedSample> leaked;
    for (std::size_t i = 0; i < test_hashes.size(); ++i) {
        const auto match = first_train_index.find(test_hashes[i]);
        if (match != first_train_index.end()) leaked.push_back({match->second, static_cast<std::int64_t>(i)});
    }
    return leaked;
}

std::optional<Diagnostic> detect_data_leakage(const std::vector<std::uint64_t>& train_hashes,
                                              const std::vector<std::uint64_t>& test_hashes) {
    const std::vector<LeakedSample> leaked = find_leaked_samples(train_hashes, test_hashes);
    if (leaked.empty()) return std::nullopt;

    const double fraction = static_cast<double>(leaked.size()) / static_cast<double>(test_hashes.size());
    char share[32];
    std::snprintf(share, sizeof share, "%.1f%%", 100.0 * fraction);
    // Name the first few pairs; the full list is in `indices`.
    constexpr std::size_t pairs_named = 5;
    std::string examples;
    for (std::size_t i = 0; i < leaked.size() && i < pairs_named; ++i) {
        examples += (i ? ", " : "") + std::string("test ") + std::to_string(leaked[i].test_index) + " = train " +
                    std::to_string(leaked[i].train_index);
    }
    if (leaked.size() > pairs_named) examples += ", ...";

    Diagnostic diagnostic{DiagnosticKind::DataLeakage, Severity::Critical, "", {}, {}};
    diagnostic.message = std::to_string(leaked.size()) + " of " + std::to_string(test_hashes.size()) +
                         " test samples (" + share + ") also appear in the training set (" + examples +
                         "): the test score overstates performance on unseen data. Remove them from one split.";
    diagnostic.numbers = {{"leaked_samples", static_cast<double>(leaked.size())},
                          {"test_samples", static_cast<double>(test_hashes.size())},
                          {"leaked_fraction", fraction}};
    for (const LeakedSample& sample : leaked) diagnostic.indices.push_back(sample.test_index);
    return diagnostic;
}

} // namespace kindling::metrics
