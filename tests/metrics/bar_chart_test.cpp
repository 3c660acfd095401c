// bar_chart_svg (metrics/svg_plot.hpp): one bar per (category, series),
// labelled; missing values draw nothing; a log axis spans the decades.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "metrics/svg_plot.hpp"
#include "test_support.hpp"

using namespace kindling::metrics;
using kindling::testing::count_of;

namespace {

// The rects placed with x= are the frame, one legend swatch per series, and the bars.
int bar_count(const std::string& svg, int series) {
    return count_of(svg, "<rect x=") - 1 /* frame */ - series /* legend swatches */;
}

BarChart ladder_chart() {
    BarChart chart;
    chart.title = "Conv ladder";
    chart.y_label = "GFLOP/s";
    chart.categories = {"naive", "blocked", "openblas"};
    chart.series = {{"forward", {1.5, 150, 100}, ""}, {"forward+backward", {1.2, 120, 95}, ""}};
    return chart;
}

} // namespace

TEST(BarChart, DrawsOneLabelledBarPerCategoryAndSeries) {
    const std::string svg = bar_chart_svg(ladder_chart());
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_EQ(bar_count(svg, 2), 6);
    for (const char* label : {">1.5<", ">150<", ">100<", ">1.2<", ">120<", ">95<"}) {
        EXPECT_NE(svg.find(label), std::string::npos) << label;
    }
    for (const char* name : {">naive<", ">blocked<", ">openblas<", ">forward<", ">forward+backward<"}) {
        EXPECT_NE(svg.find(name), std::string::npos) << name;
    }
}

// The taller value gets the taller bar: compare the heights of the 150 and 1.5 bars.
TEST(BarChart, BarHeightsFollowTheValues) {
    for (bool log_y : {false, true}) {
        BarChart chart = ladder_chart();
        chart.log_y = log_y;
        const std::string svg = bar_chart_svg(chart);
        auto height_before_label = [&](const std::string& value) { // the bar just before its value label
            const std::size_t text = svg.find("font-size=\"10\">" + value + "<");
            const std::size_t rect = svg.rfind("height=\"", text);
            return std::stod(svg.substr(rect + 8));
        };
        EXPECT_GT(height_before_label("150"), height_before_label("100")) << "log_y=" << log_y;
        EXPECT_GT(height_before_label("100"), height_before_label("1.5")) << "log_y=" << log_y;
        if (log_y) {
            EXPECT_NE(svg.find("(log scale)"), std::string::npos);
            EXPECT_NE(svg.find(">100</text>"), std::string::npos); // a decade grid line
        }
    }
}

TEST(BarChart, MissingValuesDrawNoBar) {
    BarChart chart = ladder_chart();
    chart.series[0].values[1] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(bar_count(bar_chart_svg(chart), 2), 5);
    chart.log_y = true;
    chart.series[1].values[0] = 0.0; // no place on a log axis
    EXPECT_EQ(bar_count(bar_chart_svg(chart), 2), 4);
}

TEST(BarChart, EscapesNamesAndRejectsMismatchedSeries) {
    BarChart chart = ladder_chart();
    chart.categories[0] = "a<b & c";
    EXPECT_NE(bar_chart_svg(chart).find("a&lt;b &amp; c"), std::string::npos);
    chart.series[1].values.pop_back();
    EXPECT_THROW(bar_chart_svg(chart), std::invalid_argument);
}
