#include "metrics/prediction_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace kindling::metrics {

namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

std::vector<std::string> split_cells(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(trim(cell));
    if (!line.empty() && line.back() == ',') cells.emplace_back(); // "a,b," has an empty third cell
    return cells;
}

// "file:line:column: message"; column 0 means the whole line.
[[noreturn]] void fail(const std::string& path, std::int64_t line, std::int64_t column, const std::string& message) {
    std::string where = path + ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
    throw CsvError(where + ": " + message);
}

std::string header_text(const std::vector<std::string>& header) {
    std::string joined;
    for (std::size_t i = 0; i < header.size(); ++i) joined += (i ? "," : "") + header[i];
    return joined;
}

PredictionLayout layout_of(const std::string& path, const std::vector<std::string>& header, bool regression) {
    const std::string expected = regression ? "expected header 'target,prediction'"
                                            : "expected header 'target,prediction', 'target,score' or "
                                              "'target,prob_0,...,prob_{K-1}'";
    if (header.size() < 2 || header[0] != "target") fail(path, 1, 0, expected + ", got '" + header_text(header) + "'");
    if (regression) {
        if (header.size() != 2 || header[1] != "prediction") fail(path, 1, 0, expected + ", got '" + header_text(header) + "'");
        return PredictionLayout::Regression;
    }
    if (header.size() == 2 && header[1] == "prediction") return PredictionLayout::ClassIndices;
    if (header.size() == 2 && header[1] == "score") return PredictionLayout::BinaryScore;
    for (std::size_t column = 1; column < header.size(); ++column) {
        const std::string wanted = "prob_" + std::to_string(column - 1);
        if (header[column] != wanted) {
            fail(path, 1, static_cast<std::int64_t>(column + 1),
                 expected + "; column " + std::to_string(column + 1) + " should be '" + wanted + "', got '" +
                     header[column] + "'");
        }
    }
    return PredictionLayout::Probabilities;
}

double parse_number(const std::string& cell, bool integer, const std::string& path, std::int64_t line,
                    std::int64_t column, const std::string& column_name) {
    const char* begin = cell.data();
    const char* end = cell.data() + cell.size();
    const std::string context = "column '" + column_name + "': expected ";
    if (integer) {
        std::int64_t value = 0;
        const auto [stop, error] = std::from_chars(begin, end, value);
        if (cell.empty() || error != std::errc() || stop != end) {
            fail(path, line, column, context + "an integer class index, got '" + cell + "'");
        }
        return static_cast<double>(value);
    }
    double value = 0.0;
    const auto [stop, error] = std::from_chars(begin, end, value);
    if (cell.empty() || error != std::errc() || stop != end || !std::isfinite(value)) {
        fail(path, line, column, context + "a finite number, got '" + cell + "'");
    }
    return value;
}

} // namespace

PredictionTable read_prediction_csv(const std::string& path, bool regression) {
    std::ifstream file(path);
    if (!file) throw CsvError(path + ": cannot open the file");

    PredictionTable table;
    table.path = path;
    std::string line;
    std::int64_t line_number = 0;
    while (std::getline(file, line)) {
        ++line_number;
        if (trim(line).empty()) continue;
        std::vector<std::string> cells = split_cells(line);
        if (table.header.empty()) {
            if (line_number != 1) fail(path, line_number, 0, "the header must be on line 1");
            table.header = cells;
            table.layout = layout_of(path, cells, regression);
            continue;
        }
        if (cells.size() != table.header.size()) {
            fail(path, line_number, 0,
                 "expected " + std::to_string(table.header.size()) + " cells like the header, got " +
                     std::to_string(cells.size()));
        }
        // Class labels and predicted indices are integers; scores and
        // regression values are real numbers.
        const bool integer_targets = table.layout != PredictionLayout::Regression;
        const bool integer_values = table.layout == PredictionLayout::ClassIndices;
        for (std::size_t column = 0; column < cells.size(); ++column) {
            const bool integer = column == 0 ? integer_targets : integer_values;
            const double value = parse_number(cells[column], integer, path, line_number,
                                              static_cast<std::int64_t>(column + 1), table.header[column]);
            (column == 0 ? table.targets : table.values).push_back(value);
        }
        table.line_numbers.push_back(line_number);
    }
    if (table.header.empty()) throw CsvError(path + ": the file is empty (expected a header row and data rows)");
    if (table.targets.empty()) throw CsvError(path + ":" + std::to_string(line_number) + ": no data rows after the header");
    return table;
}

std::int64_t num_classes_of(const PredictionTable& table, std::optional<std::int64_t> requested) {
    std::int64_t num_classes = 0;
    if (table.layout == PredictionLayout::Regression) {
        throw std::logic_error("num_classes_of: " + table.path + " holds regression values, not classes");
    }
    if (table.layout == PredictionLayout::Probabilities || table.layout == PredictionLayout::BinaryScore) {
        // The columns fix K; --num-classes can only confirm it.
        num_classes = table.layout == PredictionLayout::BinaryScore ? 2 : table.value_columns();
        if (requested && *requested != num_classes) {
            fail(table.path, 1, 0,
                 "--num-classes " + std::to_string(*requested) + " does not match the header, which has " +
                     std::to_string(num_classes) + " classes");
        }
    } else {
        for (double target : table.targets) num_classes = std::max(num_classes, static_cast<std::int64_t>(target) + 1);
        for (double value : table.values) num_classes = std::max(num_classes, static_cast<std::int64_t>(value) + 1);
        if (requested) {
            if (*requested < 1) throw CsvError("--num-classes must be >= 1, got " + std::to_string(*requested));
            num_classes = *requested; // labels above it are reported below, at their cell
        }
    }

    // Every label in [0, K), reported at the first offending cell.
    const bool check_values = table.layout == PredictionLayout::ClassIndices;
    const std::int64_t width = table.value_columns();
    for (std::int64_t row = 0; row < table.rows(); ++row) {
        const std::int64_t line = table.line_numbers[static_cast<std::size_t>(row)];
        auto check = [&](double label, std::int64_t column) {
            if (label < 0 || label >= static_cast<double>(num_classes)) {
                fail(table.path, line, column,
                     "column '" + table.header[static_cast<std::size_t>(column - 1)] + "': label " +
                         std::to_string(static_cast<std::int64_t>(label)) + " is outside [0, " +
                         std::to_string(num_classes) + ")");
            }
        };
        check(table.targets[static_cast<std::size_t>(row)], 1);
        if (check_values) check(table.values[static_cast<std::size_t>(row * width)], 2);
    }
    return num_classes;
}

std::vector<std::int64_t> target_classes(const PredictionTable& table) {
    return std::vector<std::int64_t>(table.targets.begin(), table.targets.end());
}

std::vector<std::int64_t> predicted_classes(const PredictionTable& table, double threshold) {
    std::vector<std::int64_t> predicted;
    const std::int64_t width = table.value_columns();
    for (std::int64_t row = 0; row < table.rows(); ++row) {
        const double* cells = table.values.data() + row * width;
        switch (table.layout) {
        case PredictionLayout::ClassIndices: predicted.push_back(static_cast<std::int64_t>(cells[0])); break;
        case PredictionLayout::BinaryScore: predicted.push_back(cells[0] >= threshold ? 1 : 0); break;
        case PredictionLayout::Probabilities: {
            std::int64_t best = 0;
            for (std::int64_t c = 1; c < width; ++c) {
                if (cells[c] > cells[best]) best = c;
            }
            predicted.push_back(best);
            break;
        }
        case PredictionLayout::Regression:
            throw std::logic_error("predicted_classes: " + table.path + " holds regression values, not classes");
        }
    }
    return predicted;
}

} // namespace kindling::metrics
