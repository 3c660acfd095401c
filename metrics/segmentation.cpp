#include "metrics/segmentation.hpp"

#include <limits>

namespace kindling::metrics {

OverlapMetric::OverlapMetric(Score score, std::int64_t num_classes, SegmentationOptions options)
    : score_(score), confusion_(num_classes, ConfusionMatrixOptions{options.threshold, options.ignore_index}) {}

OverlapResult OverlapMetric::compute() const {
    OverlapResult result;
    const std::vector<ClassCounts> counts = confusion_.class_counts();
    double sum = 0.0;
    std::int64_t present = 0;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        // beta = 1: for FBeta this is Dice = 2TP / (2TP + FP + FN).
        const Ratio ratio = class_ratio(score_, counts[c], 1.0);
        if (!ratio.defined()) {
            result.per_class.push_back(std::numeric_limits<double>::quiet_NaN());
            result.absent_classes.push_back(static_cast<std::int64_t>(c));
            continue;
        }
        const double value = ratio.numerator / ratio.denominator;
        result.per_class.push_back(value);
        sum += value;
        ++present;
    }
    result.mean = present > 0 ? sum / static_cast<double>(present) : std::numeric_limits<double>::quiet_NaN();
    return result;
}

} // namespace kindling::metrics
