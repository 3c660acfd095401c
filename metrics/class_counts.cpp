#include "metrics/class_counts.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace kindling::metrics {

const char* score_name(Score score) {
    switch (score) {
    case Score::Precision: return "precision";
    case Score::Recall: return "recall";
    case Score::FBeta: return "f-score";
    case Score::Specificity: return "specificity";
    case Score::Jaccard: return "IoU";
    }
    return "unknown";
}

double ScoreResult::averaged(Average average) const {
    switch (average) {
    case Average::Macro: return macro;
    case Average::Micro: return micro;
    case Average::Weighted: return weighted;
    }
    throw std::logic_error("ScoreResult::averaged: unknown Average");
}

Ratio class_ratio(Score score, const ClassCounts& counts, double beta) {
    const auto tp = static_cast<double>(counts.true_positives);
    const auto fp = static_cast<double>(counts.false_positives);
    const auto fn = static_cast<double>(counts.false_negatives);
    const auto tn = static_cast<double>(counts.true_negatives);
    switch (score) {
    case Score::Precision: return {tp, tp + fp};
    case Score::Recall: return {tp, tp + fn};
    case Score::FBeta: {
        // The weighted harmonic mean of precision and recall, written with counts
        // so that it stays defined when only one of them is.
        if (!(beta > 0.0)) throw std::invalid_argument("class_ratio: FBeta needs beta > 0, got " + std::to_string(beta));
        const double beta_squared = beta * beta;
        return {(1.0 + beta_squared) * tp, (1.0 + beta_squared) * tp + beta_squared * fn + fp};
    }
    case Score::Specificity: return {tn, tn + fp};
    case Score::Jaccard: return {tp, tp + fp + fn};
    }
    throw std::logic_error("class_ratio: unknown Score");
}

namespace {

std::string class_label(std::size_t index, const std::vector<std::string>& class_names) {
    if (index < class_names.size()) return "'" + class_names[index] + "'";
    return std::to_string(index);
}

// Why the ratio's denominator is zero, in the words of its definition.
std::string undefined_reason(Score score, const std::string& label) {
    switch (score) {
    case Score::Precision: return "no sample was predicted as class " + label + " (TP + FP = 0)";
    case Score::Recall: return "class " + label + " has no true samples (TP + FN = 0)";
    case Score::FBeta:
    case Score::Jaccard: return "class " + label + " is neither present nor predicted (TP + FP + FN = 0)";
    case Score::Specificity: return "every sample belongs to class " + label + " (TN + FP = 0)";
    }
    return "denominator is 0";
}

std::string format_value(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

} // namespace

ScoreResult class_score(Score score, const std::vector<ClassCounts>& counts, double beta, ZeroDivision zero_division,
                        const std::vector<std::string>& class_names) {
    ScoreResult result;
    result.score = score;
    const std::string name = score_name(score);
    const std::string reported_as = "; reported as " + format_value(zero_division.value);

    // Per class, and the sums the averages need.
    ClassCounts summed;
    double weighted_sum = 0.0;
    std::int64_t total_support = 0;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        const Ratio ratio = class_ratio(score, counts[c], beta);
        double value = zero_division.value;
        if (ratio.defined()) {
            value = ratio.numerator / ratio.denominator;
        } else {
            result.warnings.push_back(name + " is undefined: " + undefined_reason(score, class_label(c, class_names)) +
                                      reported_as);
        }
        result.per_class.push_back(value);
        weighted_sum += value * static_cast<double>(counts[c].support());
        total_support += counts[c].support();
        summed.true_positives += counts[c].true_positives;
        summed.false_positives += counts[c].false_positives;
        summed.false_negatives += counts[c].false_negatives;
        summed.true_negatives += counts[c].true_negatives;
    }

    // Macro: every class counts the same, rare ones included.
    double sum = 0.0;
    for (double value : result.per_class) sum += value;
    result.macro = counts.empty() ? zero_division.value : sum / static_cast<double>(counts.size());

    // Micro: pool the counts of all classes first, so every sample counts the same.
    const Ratio pooled = class_ratio(score, summed, beta);
    result.micro = zero_division.value;
    if (pooled.defined()) {
        result.micro = pooled.numerator / pooled.denominator;
    } else {
        result.warnings.push_back("micro-averaged " + name + " is undefined (its pooled denominator is 0)" + reported_as);
    }

    // Weighted: classes weighted by how many true samples they have.
    result.weighted = zero_division.value;
    if (total_support > 0) {
        result.weighted = weighted_sum / static_cast<double>(total_support);
    } else {
        result.warnings.push_back("weighted " + name + " is undefined (no samples, total support 0)" + reported_as);
    }
    return result;
}

} // namespace kindling::metrics
