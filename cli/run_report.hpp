// What a training run leaves behind in its output folder, apart from the
// checkpoint: history.csv, the SVG plots and report.html.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kindling::cli {

// One row of history.csv: the numbers printed after each epoch.
struct EpochRecord {
    int epoch = 0;
    double train_loss = 0.0;
    double train_accuracy = 0.0;
    double validation_loss = 0.0;
    double validation_accuracy = 0.0;
    double learning_rate = 0.0;
    double seconds = 0.0;
};

void write_history_csv(const std::filesystem::path& path, const std::vector<EpochRecord>& history);
std::vector<EpochRecord> read_history_csv(const std::filesystem::path& path);

// Loss and accuracy curves, train vs validation, per epoch.
std::string loss_curves_svg(const std::vector<EpochRecord>& history);
std::string accuracy_curves_svg(const std::vector<EpochRecord>& history);

struct ReportFigure {
    std::string file;    // an SVG beside report.html
    std::string caption;
};

// A self-contained page (no network) showing the run's facts, text reports
// and figures.
struct RunReport {
    std::string title;
    std::vector<std::pair<std::string, std::string>> facts;   // shown as a table
    std::vector<std::pair<std::string, std::string>> texts;   // heading, preformatted text
    std::vector<ReportFigure> figures;
};
void write_report_html(const std::filesystem::path& path, const RunReport& report);

// Writes `content` to a temporary file beside `path`, then renames it over
// `path`: a reader never sees a half-written file, even after a crash.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

} // namespace kindling::cli
