// Reading a model's predictions from CSV, for `kindling metrics`.
//
// A header row names the layout:
//   target,prediction                 class indices (or, for regression, real numbers)
//   target,score                      binary: the score of class 1
//   target,prob_0,prob_1,...,prob_K-1 one score per class (probabilities or logits)
// Every data row has as many cells as the header. Blank lines are skipped.
//
// Any problem throws CsvError with a one-line message naming the file, the
// line and the column, like a compiler: "preds.csv:7:2: ...".
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "metrics/confusion_matrix.hpp"

namespace kindling::metrics {

class CsvError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class PredictionLayout { ClassIndices, BinaryScore, Probabilities, Regression };

struct PredictionTable {
    std::string path;
    PredictionLayout layout = PredictionLayout::ClassIndices;
    std::vector<std::string> header;
    std::vector<std::int64_t> line_numbers; // the file line of each row (1-based; the header is line 1)
    std::vector<double> targets;            // one per row; whole numbers unless Regression
    // The other cells, row-major [rows, header.size() - 1]: the predicted
    // class, the score, or the K class scores.
    std::vector<double> values;

    std::int64_t rows() const { return static_cast<std::int64_t>(targets.size()); }
    std::int64_t value_columns() const { return static_cast<std::int64_t>(header.size()) - 1; }
};

// regression = true expects target,prediction with real numbers.
PredictionTable read_prediction_csv(const std::string& path, bool regression = false);

// The number of classes: the probability columns' count, 2 for a binary
// score, else the largest label + 1; `requested` may raise it (a class that
// never occurs). Throws CsvError naming the cell of any label outside [0, K).
std::int64_t num_classes_of(const PredictionTable& table, std::optional<std::int64_t> requested = std::nullopt);

// Predicted class per row: the index, score >= threshold, or the arg-max of the
// class scores (first on ties).
std::vector<std::int64_t> predicted_classes(const PredictionTable& table, double threshold = 0.5);
std::vector<std::int64_t> target_classes(const PredictionTable& table);

} // namespace kindling::metrics
