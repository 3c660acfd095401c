// `kindling metrics FILE.csv`: judge saved predictions without writing code.
//
// Reads target/prediction columns (see metrics/prediction_csv.hpp), prints
// scikit-learn's classification report, the confusion matrix and any
// diagnostic that applies (accuracy paradox, chance level, a missed class),
// or, with --json, the same numbers for scripts. --regression reports MSE,
// RMSE and MAE instead.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "metrics/binary_curves.hpp"
#include "metrics/class_counts.hpp"
#include "metrics/classification_report.hpp"
#include "metrics/confusion_matrix.hpp"
#include "metrics/prediction_csv.hpp"
#include "metrics/prediction_diagnostics.hpp"

namespace kindling::cli {

namespace {

using namespace kindling::metrics;
using nlohmann::json;

struct MetricsArguments {
    std::string path;
    bool json_output = false;
    bool regression = false;
    double threshold = 0.5;
    std::optional<std::int64_t> num_classes;
    std::string class_names; // "a,b,c"
};

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> names;
    if (text.empty()) return names;
    std::stringstream stream(text);
    std::string name;
    while (std::getline(stream, name, ',')) names.push_back(name);
    return names;
}

void report_regression(const PredictionTable& table, bool json_output) {
    // MSE, RMSE and MAE over the rows; the same definitions as metrics/regression.hpp.
    double squared = 0.0;
    double absolute = 0.0;
    for (std::int64_t row = 0; row < table.rows(); ++row) {
        const double error = table.values[static_cast<std::size_t>(row)] - table.targets[static_cast<std::size_t>(row)];
        squared += error * error;
        absolute += std::abs(error);
    }
    const auto n = static_cast<double>(table.rows());
    const double mse = squared / n;
    if (json_output) {
        std::cout << json{{"num_samples", table.rows()}, {"mse", mse}, {"rmse", std::sqrt(mse)}, {"mae", absolute / n}}.dump(2)
                  << "\n";
        return;
    }
    std::cout << table.path << ": " << table.rows() << " samples (regression)\n"
              << "  MSE   " << mse << "\n  RMSE  " << std::sqrt(mse) << "\n  MAE   " << absolute / n << "\n";
}

json scores_json(const ScoreResult& precision, const ScoreResult& recall, const ScoreResult& f1, Average average) {
    return {{"precision", precision.averaged(average)}, {"recall", recall.averaged(average)}, {"f1", f1.averaged(average)}};
}

void report_classification(const PredictionTable& table, const MetricsArguments& arguments) {
    const std::int64_t num_classes = num_classes_of(table, arguments.num_classes);
    const std::vector<std::string> names =
        resolve_class_names(split_names(arguments.class_names), num_classes, "kindling metrics --class-names");
    ConfusionMatrix confusion(num_classes);
    confusion.update(predicted_classes(table, arguments.threshold), target_classes(table));

    const std::vector<ClassCounts> counts = confusion.class_counts();
    const ScoreResult precision = class_score(Score::Precision, counts, 1.0, {}, names);
    const ScoreResult recall = class_score(Score::Recall, counts, 1.0, {}, names);
    const ScoreResult f1 = class_score(Score::FBeta, counts, 1.0, {}, names);
    const ScoreResult iou = class_score(Score::Jaccard, counts, 1.0, {}, names);
    std::vector<std::string> warnings;
    for (const ScoreResult* result : {&precision, &recall, &f1}) {
        warnings.insert(warnings.end(), result->warnings.begin(), result->warnings.end());
    }
    const std::vector<Diagnostic> diagnostics = diagnose_predictions(confusion, names);

    // A binary score also has a threshold-free summary, when both classes occur.
    std::optional<double> average_precision_value, roc_auc_value;
    const std::vector<std::int64_t> targets = target_classes(table);
    const std::int64_t positives = std::count(targets.begin(), targets.end(), 1);
    const bool both_classes = positives > 0 && positives < table.rows();
    if (table.layout == PredictionLayout::BinaryScore && both_classes) {
        average_precision_value = average_precision(table.values, targets);
        roc_auc_value = roc_auc(table.values, targets);
    }

    if (arguments.json_output) {
        json output{{"num_samples", confusion.num_samples()},
                    {"num_classes", num_classes},
                    {"accuracy", static_cast<double>(confusion.correct()) / static_cast<double>(confusion.num_samples())}};
        json matrix = json::array();
        for (std::int64_t row = 0; row < num_classes; ++row) {
            json cells = json::array();
            for (std::int64_t column = 0; column < num_classes; ++column) cells.push_back(confusion.count(row, column));
            matrix.push_back(cells);
        }
        output["confusion_matrix"] = matrix;
        json per_class = json::array();
        for (std::size_t c = 0; c < counts.size(); ++c) {
            per_class.push_back({{"class", c},
                                 {"name", names[c]},
                                 {"precision", precision.per_class[c]},
                                 {"recall", recall.per_class[c]},
                                 {"f1", f1.per_class[c]},
                                 {"support", counts[c].support()},
                                 {"iou", iou.per_class[c]}});
        }
        output["per_class"] = per_class;
        output["macro"] = scores_json(precision, recall, f1, Average::Macro);
        output["micro"] = scores_json(precision, recall, f1, Average::Micro);
        output["weighted"] = scores_json(precision, recall, f1, Average::Weighted);
        if (table.layout == PredictionLayout::BinaryScore) {
            output["threshold"] = arguments.threshold;
            if (average_precision_value) output["average_precision"] = *average_precision_value;
            if (roc_auc_value) output["roc_auc"] = *roc_auc_value;
        }
        output["warnings"] = warnings;
        json diagnostics_json = json::array();
        for (const Diagnostic& diagnostic : diagnostics) {
            diagnostics_json.push_back({{"kind", diagnostic_kind_name(diagnostic.kind)},
                                        {"severity", severity_name(diagnostic.severity)},
                                        {"message", diagnostic.message},
                                        {"numbers", diagnostic.numbers}});
        }
        output["diagnostics"] = diagnostics_json;
        std::cout << output.dump(2) << "\n";
        return;
    }

    std::cout << table.path << ": " << confusion.num_samples() << " samples, " << num_classes << " classes";
    if (table.layout == PredictionLayout::BinaryScore) std::cout << ", predicted positive when score >= " << arguments.threshold;
    std::cout << "\n\n" << classification_report(confusion, names) << "\nConfusion matrix (rows = true class):\n"
              << format_confusion_matrix(confusion, names);
    if (average_precision_value) {
        std::cout << "\nAverage precision " << *average_precision_value << ", ROC-AUC " << *roc_auc_value
                  << " (over all thresholds)\n";
    }
    if (!warnings.empty()) {
        std::cout << "\nUndefined values (reported as 0):\n";
        for (const std::string& warning : warnings) std::cout << "  " << warning << "\n";
    }
    if (!diagnostics.empty()) {
        std::cout << "\nDiagnostics:\n";
        for (const Diagnostic& diagnostic : diagnostics) std::cout << "  " << to_string(diagnostic) << "\n";
    }
}

void run_metrics(const MetricsArguments& arguments) {
    const PredictionTable table = read_prediction_csv(arguments.path, arguments.regression);
    if (arguments.regression) {
        report_regression(table, arguments.json_output);
    } else {
        report_classification(table, arguments);
    }
}

} // namespace

void add_metrics_command(CLI::App& app) {
    auto arguments = std::make_shared<MetricsArguments>();
    CLI::App* command = app.add_subcommand(
        "metrics", "Classification report, confusion matrix and diagnostics (or regression errors) from a CSV of predictions");
    command->add_option("file", arguments->path,
                        "CSV with a header: target,prediction | target,score | target,prob_0,...,prob_{K-1}")
        ->required();
    command->add_flag("--json", arguments->json_output, "Print the numbers as JSON");
    command->add_option("--threshold", arguments->threshold, "Binary scores: predict class 1 when score >= T")
        ->capture_default_str();
    command->add_option("--num-classes", arguments->num_classes, "K, when some classes never occur (default: largest label + 1)");
    command->add_option("--class-names", arguments->class_names, "Comma-separated names, one per class");
    command->add_flag("--regression", arguments->regression, "target,prediction are real numbers: report MSE, RMSE, MAE");
    command->callback([arguments] { run_metrics(*arguments); });
}

} // namespace kindling::cli
