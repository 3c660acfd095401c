// Overlap metrics for segmentation: every pixel is a sample, classified into
// one of K classes.
//
//   IoU (Jaccard) of class c = |P ∩ T| / |P ∪ T| = TP / (TP + FP + FN)
//   Dice of class c          = 2|P ∩ T| / (|P| + |T|) = 2TP / (2TP + FP + FN)
// where P are the pixels predicted c and T the pixels that are c. Dice is the
// F1 score of the pixels; both are 0 for no overlap and 1 for a perfect mask,
// and Dice = 2 IoU / (1 + IoU), so they rank models identically.
//
// Pixel accuracy is a poor judge here: background usually covers most of the
// image, so predicting "background" everywhere already scores high.
//
// Two rules a serious segmentation metric has to state:
//   - ignore_index: target pixels with this value (unlabelled borders, "void",
//     often 255) are skipped, whatever was predicted there.
//   - absent classes: a class that appears in neither the target nor the
//     prediction has 0/0 overlap. It is reported as NaN, listed in
//     absent_classes, and left out of the mean (a model should not be praised
//     or punished for a class that was not there). A class present in either
//     one always counts.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/class_counts.hpp"
#include "metrics/confusion_matrix.hpp"

namespace kindling::metrics {

struct SegmentationOptions {
    std::optional<std::int64_t> ignore_index;
    double threshold = 0.5; // for binary masks given as float scores [N, H, W]
};

struct OverlapResult {
    std::vector<double> per_class;            // NaN for absent classes
    double mean = 0.0;                        // over the classes that are not absent
    std::vector<std::int64_t> absent_classes; // in neither target nor prediction
};

// The shared streaming machinery; use JaccardIndex or Dice.
class OverlapMetric {
public:
    OverlapMetric(Score score, std::int64_t num_classes, SegmentationOptions options);

    // predictions: int64 [N, H, W] classes, or float [N, K, H, W] logits;
    // targets: int64 [N, H, W] (any [N, ...] shape works the same way).
    void update(const Tensor& predictions, const Tensor& targets) { confusion_.update(predictions, targets); }
    void reset() { confusion_.reset(); }
    OverlapResult compute() const;

    const ConfusionMatrix& confusion_matrix() const { return confusion_; }

private:
    Score score_;
    ConfusionMatrix confusion_;
};

class JaccardIndex : public OverlapMetric {
public:
    explicit JaccardIndex(std::int64_t num_classes, SegmentationOptions options = {})
        : OverlapMetric(Score::Jaccard, num_classes, options) {}
};

class Dice : public OverlapMetric {
public:
    explicit Dice(std::int64_t num_classes, SegmentationOptions options = {})
        : OverlapMetric(Score::FBeta, num_classes, options) {}
};

} // namespace kindling::metrics
