// The one-vs-rest counts every classification metric is built from.
//
// For class c, each sample falls in exactly one of four cells:
//
//                      predicted c     predicted not c
//     actually c          TP                FN
//     actually not c      FP                TN
//
// Precision, recall, F-beta, specificity and IoU (Jaccard) are all ratios of
// these four numbers, so they are written once here (class_score) and every
// metric class calls it. A ratio whose denominator is zero is *undefined*;
// the zero_division policy decides the value reported (0 by default, like
// scikit-learn) and the case is written to `warnings`, so it is never silent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kindling::metrics {

struct ClassCounts {
    std::int64_t true_positives = 0;
    std::int64_t false_positives = 0;
    std::int64_t false_negatives = 0;
    std::int64_t true_negatives = 0;

    // How many samples truly belong to the class: TP + FN.
    std::int64_t support() const { return true_positives + false_negatives; }
};

// The ratios built from ClassCounts.
enum class Score {
    Precision,   // TP / (TP + FP): of the samples predicted c, how many are c
    Recall,      // TP / (TP + FN): of the samples that are c, how many were found
    FBeta,       // (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP): recall weighted b times precision
    Specificity, // TN / (TN + FP): of the samples that are not c, how many were left alone
    Jaccard,     // TP / (TP + FP + FN): intersection over union (IoU)
};

const char* score_name(Score score); // "precision", "recall", ...

// How the per-class values become one number.
//   Macro:    plain mean over classes (every class counts the same)
//   Micro:    the ratio of the summed counts (every sample counts the same)
//   Weighted: mean over classes weighted by support (TP + FN)
enum class Average { Macro, Micro, Weighted };

// What an undefined ratio (0 / 0) is reported as: 0 (scikit-learn's default),
// 1, or NaN. The case is always listed in ScoreResult::warnings.
struct ZeroDivision {
    double value = 0.0;
};

struct ScoreResult {
    Score score = Score::Precision;
    std::vector<double> per_class; // one value per class
    double macro = 0.0;
    double micro = 0.0;
    double weighted = 0.0;
    std::vector<std::string> warnings; // one line per undefined value, like scikit-learn's warnings

    double averaged(Average average) const;
};

// numerator / denominator for one class; undefined when the denominator is 0.
// `beta` is used by Score::FBeta only.
struct Ratio {
    double numerator = 0.0;
    double denominator = 0.0;
    bool defined() const { return denominator != 0.0; }
};
Ratio class_ratio(Score score, const ClassCounts& counts, double beta = 1.0);

// The per-class values and their three averages. `class_names` (optional)
// only improves the warnings' wording.
ScoreResult class_score(Score score, const std::vector<ClassCounts>& counts, double beta = 1.0,
                        ZeroDivision zero_division = {}, const std::vector<std::string>& class_names = {});

} // namespace kindling::metrics
