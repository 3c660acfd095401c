#include "metrics/class_scores.hpp"

#include <utility>

namespace kindling::metrics {

ClassScoreMetric::ClassScoreMetric(Score score, std::int64_t num_classes, double beta, ClassScoreOptions options)
    : score_(score), beta_(beta), options_(std::move(options)), confusion_(num_classes, options_.confusion) {
    // Validate beta now rather than at the first compute().
    class_ratio(score_, ClassCounts{}, beta_);
}

ScoreResult ClassScoreMetric::compute() const {
    return class_score(score_, confusion_.class_counts(), beta_, options_.zero_division, options_.class_names);
}

} // namespace kindling::metrics
