#include "cli/test_report.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "metrics/class_counts.hpp"
#include "metrics/classification_report.hpp"
#include "metrics/prediction_diagnostics.hpp"
#include "metrics/svg_plot.hpp"

namespace kindling::cli {

nlohmann::json diagnostic_to_json(const metrics::Diagnostic& diagnostic) {
    return {{"kind", metrics::diagnostic_kind_name(diagnostic.kind)},
            {"severity", metrics::severity_name(diagnostic.severity)},
            {"message", diagnostic.message},
            {"numbers", diagnostic.numbers},
            {"indices", diagnostic.indices}};
}

namespace {

nlohmann::json per_class_json(const metrics::ConfusionMatrix& confusion, const std::vector<std::string>& names) {
    const std::vector<metrics::ClassCounts> counts = confusion.class_counts();
    const auto precision = metrics::class_score(metrics::Score::Precision, counts);
    const auto recall = metrics::class_score(metrics::Score::Recall, counts);
    const auto f1 = metrics::class_score(metrics::Score::FBeta, counts, 1.0);
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t k = 0; k < counts.size(); ++k) {
        rows.push_back({{"class", k < names.size() ? names[k] : std::to_string(k)},
                        {"precision", precision.per_class[k]},
                        {"recall", recall.per_class[k]},
                        {"f1", f1.per_class[k]},
                        {"support", counts[k].support()}});
    }
    return rows;
}

// The precision–recall curve of a binary task, with the 0.5 threshold (the
// arg-max decision) marked.
std::string precision_recall_svg(const metrics::BinaryScores& scores, const std::vector<std::string>& names) {
    const metrics::PrecisionRecallCurve curve = scores.precision_recall_curve();
    metrics::LineChart chart;
    chart.title = "Precision-recall for '" + (names.size() > 1 ? names[1] : std::string("1")) +
                  "' (average precision " + std::to_string(scores.average_precision()).substr(0, 5) + ")";
    chart.x_label = "recall";
    chart.y_label = "precision";
    chart.x_min = 0, chart.x_max = 1, chart.y_min = 0, chart.y_max = 1.02;
    chart.series = {{"test set", curve.recall, curve.precision, "", false}};
    const metrics::ClassCounts at_half = scores.counts_at(0.5);
    const double tp = static_cast<double>(at_half.true_positives);
    const double predicted = tp + static_cast<double>(at_half.false_positives);
    const double actual = tp + static_cast<double>(at_half.false_negatives);
    if (predicted > 0 && actual > 0) chart.markers = {{tp / actual, tp / predicted, "threshold 0.5"}};
    return metrics::line_chart_svg(chart);
}

} // namespace

std::vector<metrics::Diagnostic> finish_report(TestReportInput input, const std::filesystem::path& out_dir) {
    const metrics::ConfusionMatrix& confusion = input.test.confusion;
    for (metrics::Diagnostic& diagnostic : metrics::diagnose_predictions(confusion, input.class_names)) {
        input.diagnostics.push_back(std::move(diagnostic));
    }

    const std::string report = metrics::classification_report(confusion, input.class_names, 4);
    const std::string matrix = metrics::format_confusion_matrix(confusion, input.class_names);
    std::cout << "\ntest accuracy " << std::fixed << std::setprecision(2) << 100.0 * input.test.accuracy
              << "%  test loss " << std::setprecision(4) << input.test.loss << "  (" << confusion.num_samples()
              << " images)\n\n"
              << report << "\nconfusion matrix (rows = true class, columns = predicted class)\n"
              << matrix << "\n";
    std::string diagnostics_text;
    for (const metrics::Diagnostic& diagnostic : input.diagnostics) diagnostics_text += metrics::to_string(diagnostic) + "\n";
    std::cout << "diagnostics:\n" << (diagnostics_text.empty() ? "  none: no warning signs found\n" : diagnostics_text);

    std::filesystem::create_directories(out_dir);
    nlohmann::json summary = input.extra;
    summary["dataset"] = input.dataset;
    summary["model"] = input.model;
    summary["epochs"] = input.history.size();
    summary["test_accuracy"] = input.test.accuracy;
    summary["test_loss"] = input.test.loss;
    summary["test_samples"] = confusion.num_samples();
    summary["class_names"] = input.class_names;
    summary["per_class"] = per_class_json(confusion, input.class_names);
    nlohmann::json matrix_rows = nlohmann::json::array();
    for (std::int64_t row = 0; row < confusion.num_classes(); ++row) {
        std::vector<std::int64_t> counts;
        for (std::int64_t column = 0; column < confusion.num_classes(); ++column) counts.push_back(confusion.count(row, column));
        matrix_rows.push_back(counts);
    }
    summary["confusion_matrix"] = matrix_rows;
    summary["diagnostics"] = nlohmann::json::array();
    for (const metrics::Diagnostic& diagnostic : input.diagnostics) summary["diagnostics"].push_back(diagnostic_to_json(diagnostic));

    RunReport page;
    page.title = "Kindling: " + input.model + " on " + input.dataset;
    page.facts = input.facts;
    page.facts.emplace_back("test accuracy", std::to_string(100.0 * input.test.accuracy).substr(0, 5) + "%");
    std::vector<std::vector<std::int64_t>> counts = matrix_rows.get<std::vector<std::vector<std::int64_t>>>();
    write_file_atomically(out_dir / "confusion_matrix.svg",
                          metrics::confusion_matrix_svg(counts, input.class_names, "Confusion matrix (test set)"));
    if (!input.history.empty()) {
        write_file_atomically(out_dir / "loss.svg", loss_curves_svg(input.history));
        write_file_atomically(out_dir / "accuracy.svg", accuracy_curves_svg(input.history));
        page.figures.push_back({"loss.svg", "Loss: train vs validation"});
        page.figures.push_back({"accuracy.svg", "Accuracy: train vs validation"});
    }
    page.figures.push_back({"confusion_matrix.svg", "Confusion matrix on the test set"});
    if (confusion.num_classes() == 2 && !input.test.positive_scores.scores().empty()) {
        write_file_atomically(out_dir / "precision_recall.svg", precision_recall_svg(input.test.positive_scores, input.class_names));
        page.figures.push_back({"precision_recall.svg", "Precision-recall curve, decision threshold marked"});
        summary["average_precision"] = input.test.positive_scores.average_precision();
        summary["roc_auc"] = input.test.positive_scores.roc_auc();
    }
    page.texts = {{"Classification report (test set)", report},
                  {"Confusion matrix", matrix},
                  {"Diagnostics", diagnostics_text.empty() ? "No warning signs found." : diagnostics_text}};
    write_file_atomically(out_dir / "summary.json", summary.dump(2) + "\n");
    write_report_html(out_dir / "report.html", page);
    std::cout << "\nwrote " << (out_dir / "report.html").string() << " (open it in a browser), summary.json and plots\n";
    return input.diagnostics;
}

} // namespace kindling::cli
