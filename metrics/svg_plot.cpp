#include "metrics/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace kindling::metrics {

namespace {

// Colour-blind-safe palette (Okabe–Ito).
const char* const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

std::string number(double value, int precision = 3) {
    std::ostringstream out;
    out << std::setprecision(precision) << value;
    return out.str();
}

// "Nice" tick positions for an axis from low to high: steps of 1, 2 or 5 x 10^k.
std::vector<double> ticks(double low, double high, int wanted = 6) {
    const double span = high - low;
    const double rough = span / wanted;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude;
    for (double factor : {1.0, 2.0, 5.0, 10.0}) {
        step = factor * magnitude;
        if (span / step <= wanted) break;
    }
    std::vector<double> result;
    for (double tick = std::ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
        result.push_back(std::fabs(tick) < step * 1e-9 ? 0.0 : tick);
    }
    return result;
}

// What every chart starts with: the <svg> element (width x height), a white
// background and the title centred at title_x. Size is int for the charts
// whose size the caller sets, double for the confusion matrix (sized to fit).
template <typename Size>
void write_svg_opening(std::ostream& svg, Size width, Size height, double title_x, const std::string& title) {
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << title_x << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << xml_escape(title)
        << "</text>\n";
}

} // namespace

std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string line_chart_svg(const LineChart& chart) {
    // Data range, from the series unless fixed by the caller.
    double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
    double y_low = x_low, y_high = -x_low;
    for (const PlotSeries& series : chart.series) {
        if (series.x.size() != series.y.size()) {
            throw std::invalid_argument("line_chart_svg: series '" + series.name + "' has " +
                                        std::to_string(series.x.size()) + " x values and " +
                                        std::to_string(series.y.size()) + " y values");
        }
        for (std::size_t i = 0; i < series.x.size(); ++i) {
            if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
            x_low = std::min(x_low, series.x[i]);
            x_high = std::max(x_high, series.x[i]);
            y_low = std::min(y_low, series.y[i]);
            y_high = std::max(y_high, series.y[i]);
        }
    }
    if (!std::isfinite(x_low)) x_low = 0, x_high = 1, y_low = 0, y_high = 1; // no data: an empty frame
    x_low = chart.x_min.value_or(x_low);
    x_high = chart.x_max.value_or(x_high);
    y_low = chart.y_min.value_or(y_low);
    y_high = chart.y_max.value_or(y_high);
    if (x_high <= x_low) x_high = x_low + 1;
    if (y_high <= y_low) {
        const double pad = std::max(std::fabs(y_low) * 0.05, 1e-3);
        y_low -= pad, y_high += pad;
    }

    // Plot area inside margins for the title, axis labels and tick labels.
    const double left = 64, right = chart.width - 150.0, top = 40, bottom = chart.height - 52.0;
    auto to_x = [&](double x) { return left + (x - x_low) / (x_high - x_low) * (right - left); };
    auto to_y = [&](double y) { return bottom - (y - y_low) / (y_high - y_low) * (bottom - top); };

    std::ostringstream svg;
    svg << std::fixed << std::setprecision(1);
    write_svg_opening(svg, chart.width, chart.height, (left + right) / 2, chart.title);

    // Grid lines and tick labels.
    for (double tick : ticks(x_low, x_high)) {
        if (chart.integer_x && tick != std::floor(tick)) continue;
        svg << "<line x1=\"" << to_x(tick) << "\" y1=\"" << top << "\" x2=\"" << to_x(tick) << "\" y2=\"" << bottom
            << "\" stroke=\"#e5e5e5\"/>\n";
        svg << "<text x=\"" << to_x(tick) << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\">" << number(tick)
            << "</text>\n";
    }
    for (double tick : ticks(y_low, y_high)) {
        svg << "<line x1=\"" << left << "\" y1=\"" << to_y(tick) << "\" x2=\"" << right << "\" y2=\"" << to_y(tick)
            << "\" stroke=\"#e5e5e5\"/>\n";
        svg << "<text x=\"" << left - 6 << "\" y=\"" << to_y(tick) + 4 << "\" text-anchor=\"end\">" << number(tick)
            << "</text>\n";
    }
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\"" << bottom - top
        << "\" fill=\"none\" stroke=\"#444\"/>\n";
    svg << "<text x=\"" << (left + right) / 2 << "\" y=\"" << chart.height - 12 << "\" text-anchor=\"middle\">"
        << xml_escape(chart.x_label) << "</text>\n";
    svg << "<text transform=\"translate(16," << (top + bottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << xml_escape(chart.y_label) << "</text>\n";

    // The series, each as a polyline plus optional dots, and its legend entry.
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
        const PlotSeries& series = chart.series[s];
        const std::string color = series.color.empty() ? palette[s % std::size(palette)] : series.color;
        svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
        for (std::size_t i = 0; i < series.x.size(); ++i) {
            if (std::isfinite(series.x[i]) && std::isfinite(series.y[i])) {
                svg << to_x(series.x[i]) << ',' << to_y(series.y[i]) << ' ';
            }
        }
        svg << "\"/>\n";
        if (series.show_points) {
            for (std::size_t i = 0; i < series.x.size(); ++i) {
                if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
                svg << "<circle cx=\"" << to_x(series.x[i]) << "\" cy=\"" << to_y(series.y[i])
                    << "\" r=\"3\" fill=\"" << color << "\"/>\n";
            }
        }
        const double legend_y = top + 8 + 20.0 * static_cast<double>(s);
        svg << "<line x1=\"" << right + 12 << "\" y1=\"" << legend_y << "\" x2=\"" << right + 32 << "\" y2=\""
            << legend_y << "\" stroke=\"" << color << "\" stroke-width=\"3\"/>\n";
        svg << "<text x=\"" << right + 38 << "\" y=\"" << legend_y + 4 << "\">" << xml_escape(series.name)
            << "</text>\n";
    }
    for (const PlotMarker& marker : chart.markers) {
        svg << "<circle cx=\"" << to_x(marker.x) << "\" cy=\"" << to_y(marker.y)
            << "\" r=\"7\" fill=\"none\" stroke=\"#C00\" stroke-width=\"2\"/>\n";
        svg << "<text x=\"" << to_x(marker.x) + 10 << "\" y=\"" << to_y(marker.y) - 10 << "\" fill=\"#C00\">"
            << xml_escape(marker.label) << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

std::string bar_chart_svg(const BarChart& chart) {
    for (const BarSeries& series : chart.series) {
        if (series.values.size() != chart.categories.size()) {
            throw std::invalid_argument("bar_chart_svg: series '" + series.name + "' has " +
                                        std::to_string(series.values.size()) + " values for " +
                                        std::to_string(chart.categories.size()) + " categories");
        }
    }
    auto drawn = [&](double value) { return std::isfinite(value) && (!chart.log_y || value > 0); };
    // Three significant digits, but 1500 rather than 1.5e+03.
    auto label = [](double value) {
        return std::fabs(value) >= 1000 ? std::to_string(std::lround(value)) : number(value);
    };
    // The value axis starts at 0 (linear) or at the power of ten below the smallest bar (log).
    double low = std::numeric_limits<double>::infinity(), high = 0;
    for (const BarSeries& series : chart.series) {
        for (double value : series.values) {
            if (!drawn(value)) continue;
            low = std::min(low, value);
            high = std::max(high, value);
        }
    }
    if (!std::isfinite(low)) low = 1, high = 1; // no bars: an empty frame
    double axis_low = 0, axis_high = high > 0 ? high * 1.1 : 1;
    if (chart.log_y) { // from the power of ten below the lowest bar to the 1, 2 or 5 x 10^k above the highest
        axis_low = std::pow(10.0, std::floor(std::log10(low)));
        const double decade = std::pow(10.0, std::floor(std::log10(high * 1.15)));
        axis_high = 10 * decade;
        for (double factor : {5.0, 2.0, 1.0}) {
            if (factor * decade >= high * 1.15) axis_high = factor * decade;
        }
    }
    auto position = [&](double value) { // 0 at the bottom of the axis, 1 at the top
        if (!chart.log_y) return (value - axis_low) / (axis_high - axis_low);
        return (std::log10(value) - std::log10(axis_low)) / (std::log10(axis_high) - std::log10(axis_low));
    };

    // Plot area; the bottom margin grows with the longest category name (drawn slanted by 25
    // degrees), the right one with the longest series name in the legend.
    std::size_t longest_category = 1, longest_series = 1;
    for (const std::string& category : chart.categories) longest_category = std::max(longest_category, category.size());
    for (const BarSeries& series : chart.series) longest_series = std::max(longest_series, series.name.size());
    const double left = 64, right = chart.width - 50.0 - 7.0 * static_cast<double>(longest_series), top = 40;
    const double bottom = chart.height - 24.0 - 3.0 * static_cast<double>(longest_category);
    auto to_y = [&](double value) { return bottom - position(value) * (bottom - top); };

    std::ostringstream svg;
    svg << std::fixed << std::setprecision(1);
    write_svg_opening(svg, chart.width, chart.height, (left + right) / 2, chart.title);

    // Horizontal grid lines: 1, 2, 5 x 10^k on a log axis, "nice" steps on a linear one.
    std::vector<double> grid;
    if (chart.log_y) {
        for (double decade = axis_low; decade < axis_high * 1.001; decade *= 10) {
            for (double factor : {1.0, 2.0, 5.0}) {
                if (decade * factor <= axis_high * 1.001) grid.push_back(decade * factor);
            }
        }
    } else {
        grid = ticks(axis_low, axis_high);
    }
    for (double tick : grid) {
        svg << "<line x1=\"" << left << "\" y1=\"" << to_y(tick) << "\" x2=\"" << right << "\" y2=\"" << to_y(tick)
            << "\" stroke=\"#e5e5e5\"/>\n";
        svg << "<text x=\"" << left - 6 << "\" y=\"" << to_y(tick) + 4 << "\" text-anchor=\"end\">" << label(tick)
            << "</text>\n";
    }
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\"" << bottom - top
        << "\" fill=\"none\" stroke=\"#444\"/>\n";
    svg << "<text transform=\"translate(16," << (top + bottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << xml_escape(chart.y_label) << (chart.log_y ? " (log scale)" : "") << "</text>\n";

    // The groups: a slot per category, bars side by side in its middle 80%.
    const std::size_t categories = chart.categories.size();
    const std::size_t series_count = std::max<std::size_t>(chart.series.size(), 1);
    auto color_of = [&](std::size_t s) {
        return chart.series[s].color.empty() ? std::string(palette[s % std::size(palette)]) : chart.series[s].color;
    };
    const double slot = (right - left) / static_cast<double>(std::max<std::size_t>(categories, 1));
    const double bar_width = slot * 0.8 / static_cast<double>(series_count);
    for (std::size_t c = 0; c < categories; ++c) {
        const double slot_left = left + slot * static_cast<double>(c);
        for (std::size_t s = 0; s < chart.series.size(); ++s) {
            const BarSeries& series = chart.series[s];
            const double value = series.values[c];
            if (!drawn(value)) continue;
            const double x = slot_left + slot * 0.1 + bar_width * static_cast<double>(s);
            const double y = to_y(std::max(value, axis_low));
            svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bar_width << "\" height=\"" << bottom - y
                << "\" fill=\"" << color_of(s) << "\"/>\n";
            svg << "<text x=\"" << x + bar_width / 2 << "\" y=\"" << y - 4
                << "\" text-anchor=\"middle\" font-size=\"10\">" << label(value) << "</text>\n";
        }
        svg << "<text transform=\"translate(" << slot_left + slot / 2 << ',' << bottom + 14
            << ") rotate(25)\">" << xml_escape(chart.categories[c]) << "</text>\n";
    }
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
        const double legend_y = top + 8 + 20.0 * static_cast<double>(s);
        svg << "<rect x=\"" << right + 12 << "\" y=\"" << legend_y - 6 << "\" width=\"20\" height=\"12\" fill=\""
            << color_of(s) << "\"/>\n";
        svg << "<text x=\"" << right + 38 << "\" y=\"" << legend_y + 4 << "\">" << xml_escape(chart.series[s].name)
            << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

std::string confusion_matrix_svg(const std::vector<std::vector<std::int64_t>>& counts,
                                 const std::vector<std::string>& class_names, const std::string& title) {
    const std::size_t classes = counts.size();
    for (const auto& row : counts) {
        if (row.size() != classes) {
            throw std::invalid_argument("confusion_matrix_svg: expected a square matrix, got a row of " +
                                        std::to_string(row.size()) + " in a " + std::to_string(classes) +
                                        "-row matrix");
        }
    }
    auto name_of = [&](std::size_t i) { return i < class_names.size() ? class_names[i] : std::to_string(i); };
    std::size_t longest_name = 1;
    for (std::size_t i = 0; i < classes; ++i) longest_name = std::max(longest_name, name_of(i).size());

    const double cell = classes <= 4 ? 72 : classes <= 10 ? 52 : 30;
    const double left = 40 + 7.0 * static_cast<double>(longest_name), top = 70;
    const double size = cell * static_cast<double>(classes);
    // Column names are drawn rotated 45 degrees, so the last one reaches right.
    const double width = left + size + 30 + 5.0 * static_cast<double>(longest_name), height = top + size + 40 + 7.0 * static_cast<double>(longest_name);

    std::ostringstream svg;
    svg << std::fixed << std::setprecision(1);
    write_svg_opening(svg, width, height, width / 2, title);
    svg << "<text x=\"" << left + size / 2 << "\" y=\"46\" text-anchor=\"middle\">predicted class</text>\n";
    svg << "<text transform=\"translate(14," << top + size / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << "true class</text>\n";

    for (std::size_t row = 0; row < classes; ++row) {
        std::int64_t row_total = 0;
        for (std::int64_t count : counts[row]) row_total += count;
        for (std::size_t column = 0; column < classes; ++column) {
            const std::int64_t count = counts[row][column];
            const double share = row_total > 0 ? static_cast<double>(count) / static_cast<double>(row_total) : 0.0;
            // White (0%) to dark blue (100% of the row); diagonal = correct predictions.
            const int red = static_cast<int>(255 - share * 247), green = static_cast<int>(255 - share * 207),
                      blue = static_cast<int>(255 - share * 148);
            const double x = left + cell * static_cast<double>(column), y = top + cell * static_cast<double>(row);
            svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << cell << "\" height=\"" << cell
                << "\" fill=\"rgb(" << red << ',' << green << ',' << blue << ")\" stroke=\"#ccc\"/>\n";
            svg << "<text x=\"" << x + cell / 2 << "\" y=\"" << y + cell / 2 + 4 << "\" text-anchor=\"middle\" fill=\""
                << (share > 0.5 ? "white" : "black") << "\"" << (classes > 10 ? " font-size=\"9\"" : "") << ">"
                << count << "</text>\n";
        }
        svg << "<text x=\"" << left - 6 << "\" y=\"" << top + cell * (static_cast<double>(row) + 0.5) + 4
            << "\" text-anchor=\"end\">" << xml_escape(name_of(row)) << "</text>\n";
    }
    for (std::size_t column = 0; column < classes; ++column) {
        const double x = left + cell * (static_cast<double>(column) + 0.5), y = top + size + 12;
        svg << "<text transform=\"translate(" << x << ',' << y << ") rotate(45)\">" << xml_escape(name_of(column))
            << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

} // namespace kindling::metrics
