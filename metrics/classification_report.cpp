#include "metrics/classification_report.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace kindling::metrics {

std::vector<std::string> resolve_class_names(const std::vector<std::string>& class_names, std::int64_t num_classes,
                                             const char* op) {
    if (class_names.empty()) {
        std::vector<std::string> numbered;
        for (std::int64_t c = 0; c < num_classes; ++c) numbered.push_back(std::to_string(c));
        return numbered;
    }
    if (static_cast<std::int64_t>(class_names.size()) != num_classes) {
        throw std::invalid_argument(std::string(op) + ": got " + std::to_string(class_names.size()) +
                                    " class names for " + std::to_string(num_classes) + " classes");
    }
    return class_names;
}

namespace {

// printf into a std::string: the report's columns are fixed-width numbers.
template <typename... Args> std::string format(const char* pattern, Args... args) {
    std::string text(128, '\0');
    const auto length = static_cast<std::size_t>(std::snprintf(text.data(), text.size(), pattern, args...));
    if (length >= text.size()) {
        text.resize(length + 1);
        std::snprintf(text.data(), text.size(), pattern, args...);
    }
    text.resize(length);
    return text;
}

// One report line: name right-aligned in `width`, then three scores and the support.
std::string score_row(const std::string& name, int width, int digits, double precision, double recall, double f1,
                      std::int64_t support) {
    return format("%*s  %9.*f %9.*f %9.*f %9lld\n", width, name.c_str(), digits, precision, digits, recall, digits, f1,
                  static_cast<long long>(support));
}

} // namespace

std::string classification_report(const ConfusionMatrix& confusion, const std::vector<std::string>& class_names,
                                  int digits, ZeroDivision zero_division) {
    const std::vector<std::string> names = resolve_class_names(class_names, confusion.num_classes(), "classification_report");
    const std::vector<ClassCounts> counts = confusion.class_counts();
    const ScoreResult precision = class_score(Score::Precision, counts, 1.0, zero_division);
    const ScoreResult recall = class_score(Score::Recall, counts, 1.0, zero_division);
    const ScoreResult f1 = class_score(Score::FBeta, counts, 1.0, zero_division);

    // The name column fits the longest class name and "weighted avg".
    int width = std::max(static_cast<int>(std::string("weighted avg").size()), digits);
    for (const std::string& name : names) width = std::max(width, static_cast<int>(name.size()));

    std::string report = format("%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support");
    for (std::size_t c = 0; c < names.size(); ++c) {
        report += score_row(names[c], width, digits, precision.per_class[c], recall.per_class[c], f1.per_class[c],
                            counts[c].support());
    }
    report += "\n";
    // For single-label classification the micro average of all three scores is
    // the accuracy, so scikit-learn prints it once, in the f1 column.
    const std::int64_t total = confusion.num_samples();
    report += format("%*s  %9s %9s %9.*f %9lld\n", width, "accuracy", "", "", digits, f1.micro,
                     static_cast<long long>(total));
    report += score_row("macro avg", width, digits, precision.macro, recall.macro, f1.macro, total);
    report += score_row("weighted avg", width, digits, precision.weighted, recall.weighted, f1.weighted, total);
    return report;
}

std::string format_confusion_matrix(const ConfusionMatrix& confusion, const std::vector<std::string>& class_names,
                                    Normalize normalize, int digits) {
    const std::int64_t k = confusion.num_classes();
    const std::vector<std::string> names = resolve_class_names(class_names, k, "format_confusion_matrix");
    const std::vector<double> cells = confusion.compute(normalize).to_vector<double>();

    // Cell texts first, so the column width fits the widest of names and numbers.
    std::vector<std::string> cell_texts;
    for (double cell : cells) {
        cell_texts.push_back(normalize == Normalize::None ? format("%lld", static_cast<long long>(cell))
                                                          : format("%.*f", digits, cell));
    }
    const std::string corner = "true \\ predicted";
    int row_label_width = static_cast<int>(corner.size());
    int column_width = 1;
    for (const std::string& name : names) {
        row_label_width = std::max(row_label_width, static_cast<int>(name.size()));
        column_width = std::max(column_width, static_cast<int>(name.size()));
    }
    for (const std::string& text : cell_texts) column_width = std::max(column_width, static_cast<int>(text.size()));

    std::string table = format("%*s", row_label_width, corner.c_str());
    for (const std::string& name : names) table += format("  %*s", column_width, name.c_str());
    table += "\n";
    for (std::int64_t row = 0; row < k; ++row) {
        table += format("%*s", row_label_width, names[static_cast<std::size_t>(row)].c_str());
        for (std::int64_t column = 0; column < k; ++column) {
            table += format("  %*s", column_width, cell_texts[static_cast<std::size_t>(row * k + column)].c_str());
        }
        table += "\n";
    }
    return table;
}

} // namespace kindling::metrics
