// Plots as SVG text: line charts (loss and accuracy curves, precision–recall
// curves), grouped bar charts (benchmark results) and a confusion-matrix
// heat-map.
//
// SVG is plain XML that every browser shows, so a run's plots need no plotting
// library, no network and no Python: the training command writes these
// strings to files and links them from report.html.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kindling::metrics {

struct PlotSeries {
    std::string name;        // shown in the legend
    std::vector<double> x;
    std::vector<double> y;
    std::string color;       // any CSS colour; empty picks one from the palette
    bool show_points = true; // draw a dot at each (x, y)
};

// A point to call out on the chart, e.g. the chosen decision threshold.
struct PlotMarker {
    double x = 0.0;
    double y = 0.0;
    std::string label;
};

struct LineChart {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<PlotSeries> series;
    std::vector<PlotMarker> markers;
    // Fixed axis ranges (e.g. 0..1 for precision and recall); unset = fit the data.
    std::optional<double> x_min, x_max, y_min, y_max;
    bool integer_x = false; // x counts something (epochs): no ticks at 1.5
    int width = 640;
    int height = 400;
};

std::string line_chart_svg(const LineChart& chart);

// One bar per category, e.g. "forward" GFLOP/s for each convolution rung.
struct BarSeries {
    std::string name;           // shown in the legend
    std::vector<double> values; // one per category; NaN (or <= 0 on a log axis) draws no bar
    std::string color;          // any CSS colour; empty picks one from the palette
};

// Groups of bars side by side, one group per category, each bar labelled
// with its value. A log axis shows values that span orders of magnitude
// (1 to 200 GFLOP/s) without flattening the small ones to nothing.
struct BarChart {
    std::string title;
    std::string y_label;
    std::vector<std::string> categories; // written under the groups, slanted when long
    std::vector<BarSeries> series;
    bool log_y = false;
    int width = 720;
    int height = 440;
};

std::string bar_chart_svg(const BarChart& chart);

// counts[true_class][predicted_class]; cells shaded by their share of the row
// (the recall view), each labelled with its count.
std::string confusion_matrix_svg(const std::vector<std::vector<std::int64_t>>& counts,
                                 const std::vector<std::string>& class_names, const std::string& title);

// Escapes <, >, & and quotes for use inside SVG/HTML text.
std::string xml_escape(const std::string& text);

} // namespace kindling::metrics
