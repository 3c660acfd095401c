#include <gtest/gtest.h>

#include "metrics/svg_plot.hpp"
#include "test_support.hpp"

using namespace kindling::metrics;
using kindling::testing::count_of;

TEST(SvgPlot, LineChartDrawsEverySeriesPointAndLegend) {
    LineChart chart;
    chart.title = "Loss";
    chart.series = {{"train", {1, 2, 3}, {0.9, 0.5, 0.3}, "", true}, {"validation", {1, 2, 3}, {1.0, 0.7, 0.6}, "", true}};
    chart.markers = {{2, 0.5, "best"}};
    const std::string svg = line_chart_svg(chart);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_EQ(count_of(svg, "<polyline"), 2);
    EXPECT_EQ(count_of(svg, "r=\"3\""), 6); // one dot per point
    EXPECT_NE(svg.find(">train</text>"), std::string::npos);
    EXPECT_NE(svg.find(">validation</text>"), std::string::npos);
    EXPECT_NE(svg.find(">best</text>"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(SvgPlot, LineChartRejectsSeriesOfUnequalLength) {
    LineChart chart;
    chart.series = {{"broken", {1, 2, 3}, {0.5}, "", true}};
    EXPECT_THROW(line_chart_svg(chart), std::invalid_argument);
}

TEST(SvgPlot, ConfusionMatrixLabelsCountsAndEscapesNames) {
    const std::string svg = confusion_matrix_svg({{50, 5}, {3, 42}}, {"cat", "dog & co"}, "Cat vs dog");
    for (const char* count : {">50<", ">5<", ">3<", ">42<"}) EXPECT_NE(svg.find(count), std::string::npos) << count;
    EXPECT_NE(svg.find("dog &amp; co"), std::string::npos);
    EXPECT_EQ(svg.find("dog & co"), std::string::npos);
    EXPECT_EQ(count_of(svg, "<rect x="), 4);
}

TEST(SvgPlot, ConfusionMatrixMustBeSquare) {
    EXPECT_THROW(confusion_matrix_svg({{1, 2}, {3}}, {}, "bad"), std::invalid_argument);
}
