#include "cli/run_report.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "metrics/svg_plot.hpp"

namespace kindling::cli {

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
    const std::filesystem::path temporary = path.string() + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + temporary.string());
        out << content;
        out.flush();
        if (!out) throw std::runtime_error("error while writing " + temporary.string());
    }
    std::filesystem::rename(temporary, path);
}

namespace {
constexpr const char* history_header =
    "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds";
}

void write_history_csv(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
    std::ostringstream csv;
    csv.precision(8);
    csv << history_header << "\n";
    for (const EpochRecord& row : history) {
        csv << row.epoch << ',' << row.train_loss << ',' << row.train_accuracy << ',' << row.validation_loss << ','
            << row.validation_accuracy << ',' << row.learning_rate << ',' << row.seconds << "\n";
    }
    write_file_atomically(path, csv.str());
}

std::vector<EpochRecord> read_history_csv(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    std::string line;
    std::getline(in, line);
    if (line != history_header) {
        throw std::runtime_error(path.string() + ": line 1: expected the header '" + std::string(history_header) +
                                 "', got '" + line + "'");
    }
    std::vector<EpochRecord> history;
    for (int line_number = 2; std::getline(in, line); ++line_number) {
        if (line.empty()) continue;
        EpochRecord row;
        char comma[6];
        std::istringstream fields(line);
        fields >> row.epoch >> comma[0] >> row.train_loss >> comma[1] >> row.train_accuracy >> comma[2] >>
            row.validation_loss >> comma[3] >> row.validation_accuracy >> comma[4] >> row.learning_rate >> comma[5] >>
            row.seconds;
        if (!fields) throw std::runtime_error(path.string() + ": line " + std::to_string(line_number) + " is malformed");
        history.push_back(row);
    }
    return history;
}

namespace {

metrics::LineChart epoch_chart(const std::vector<EpochRecord>& history, const std::string& title,
                               const std::string& y_label, double EpochRecord::*train_field,
                               double EpochRecord::*validation_field) {
    metrics::LineChart chart;
    chart.title = title;
    chart.x_label = "epoch";
    chart.integer_x = true;
    chart.y_label = y_label;
    metrics::PlotSeries train{"train", {}, {}, "", true}, validation{"validation", {}, {}, "", true};
    for (const EpochRecord& row : history) {
        train.x.push_back(row.epoch);
        train.y.push_back(row.*train_field);
        validation.x.push_back(row.epoch);
        validation.y.push_back(row.*validation_field);
    }
    chart.series = {train, validation};
    return chart;
}

} // namespace

std::string loss_curves_svg(const std::vector<EpochRecord>& history) {
    return metrics::line_chart_svg(
        epoch_chart(history, "Loss per epoch", "cross-entropy loss", &EpochRecord::train_loss, &EpochRecord::validation_loss));
}

std::string accuracy_curves_svg(const std::vector<EpochRecord>& history) {
    metrics::LineChart chart = epoch_chart(history, "Accuracy per epoch", "accuracy", &EpochRecord::train_accuracy,
                                           &EpochRecord::validation_accuracy);
    chart.y_max = 1.0;
    return metrics::line_chart_svg(chart);
}

void write_report_html(const std::filesystem::path& path, const RunReport& report) {
    using metrics::xml_escape;
    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << xml_escape(report.title)
         << "</title>\n<style>\n"
         << "body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }\n"
         << "table { border-collapse: collapse; } td { padding: 2px 12px; border-bottom: 1px solid #ddd; }\n"
         << "pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }\n"
         << "figure { display: inline-block; margin: 1em; } img { max-width: 100%; }\n"
         << "</style>\n</head>\n<body>\n<h1>" << xml_escape(report.title) << "</h1>\n<table>\n";
    for (const auto& [name, value] : report.facts) {
        html << "<tr><td>" << xml_escape(name) << "</td><td>" << xml_escape(value) << "</td></tr>\n";
    }
    html << "</table>\n";
    for (const ReportFigure& figure : report.figures) {
        html << "<figure><img src=\"" << xml_escape(figure.file) << "\" alt=\"" << xml_escape(figure.caption)
             << "\"><figcaption>" << xml_escape(figure.caption) << "</figcaption></figure>\n";
    }
    for (const auto& [heading, text] : report.texts) {
        html << "<h2>" << xml_escape(heading) << "</h2>\n<pre>" << xml_escape(text) << "</pre>\n";
    }
    html << "</body>\n</html>\n";
    write_file_atomically(path, html.str());
}

} // namespace kindling::cli
