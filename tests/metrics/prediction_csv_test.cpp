#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "metrics/prediction_csv.hpp"

using namespace kindling::metrics;

namespace {

// Writes `text` to a fresh file in the temp directory and returns its path.
std::string write_csv(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("kindling_metrics_" + name);
    std::ofstream(path) << text;
    return path.string();
}

// The CsvError message of reading `text`, or "" when it reads fine.
std::string error_of(const std::string& name, const std::string& text, bool regression = false,
                     std::optional<std::int64_t> num_classes = std::nullopt) {
    try {
        const PredictionTable table = read_prediction_csv(write_csv(name, text), regression);
        if (!regression) num_classes_of(table, num_classes);
    } catch (const CsvError& error) {
        return error.what();
    }
    return "";
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

TEST(PredictionCsv, ReadsTheThreeClassificationLayouts) {
    const PredictionTable indices = read_prediction_csv(write_csv("indices.csv", "target,prediction\n0,1\n2,2\n\n"));
    EXPECT_EQ(indices.layout, PredictionLayout::ClassIndices);
    EXPECT_EQ(num_classes_of(indices), 3);
    EXPECT_EQ(num_classes_of(indices, 5), 5);
    EXPECT_EQ(predicted_classes(indices), (std::vector<std::int64_t>{1, 2}));

    const PredictionTable score = read_prediction_csv(write_csv("score.csv", "target,score\r\n0,0.2\r\n1,0.5\r\n1,0.45\r\n"));
    EXPECT_EQ(score.layout, PredictionLayout::BinaryScore);
    EXPECT_EQ(num_classes_of(score), 2);
    EXPECT_EQ(predicted_classes(score), (std::vector<std::int64_t>{0, 1, 0}));
    EXPECT_EQ(predicted_classes(score, 0.4), (std::vector<std::int64_t>{0, 1, 1}));

    const PredictionTable probabilities =
        read_prediction_csv(write_csv("probs.csv", "target,prob_0,prob_1,prob_2\n0,0.7,0.2,0.1\n1,0.4,0.4,0.2\n"));
    EXPECT_EQ(num_classes_of(probabilities), 3);
    EXPECT_EQ(predicted_classes(probabilities), (std::vector<std::int64_t>{0, 0})); // a tie picks the first
    EXPECT_EQ(target_classes(probabilities), (std::vector<std::int64_t>{0, 1}));
}

TEST(PredictionCsv, ReadsRegressionValues) {
    const PredictionTable table = read_prediction_csv(write_csv("reg.csv", "target,prediction\n1.5,1.25\n-2,3e-1\n"), true);
    EXPECT_EQ(table.layout, PredictionLayout::Regression);
    EXPECT_EQ(table.targets, (std::vector<double>{1.5, -2.0}));
    EXPECT_EQ(table.values, (std::vector<double>{1.25, 0.3}));
}

TEST(PredictionCsv, BadInputNamesFileLineAndColumn) {
    EXPECT_TRUE(ends_with(error_of("empty.csv", ""), "kindling_metrics_empty.csv: the file is empty (expected a header row and data rows)"));
    EXPECT_TRUE(ends_with(error_of("header.csv", "label,prediction\n0,1\n"),
                          "header.csv:1: expected header 'target,prediction', 'target,score' or "
                          "'target,prob_0,...,prob_{K-1}', got 'label,prediction'"));
    EXPECT_TRUE(ends_with(error_of("probheader.csv", "target,prob_0,prob_2\n0,1,0\n"),
                          "probheader.csv:1:3: expected header 'target,prediction', 'target,score' or "
                          "'target,prob_0,...,prob_{K-1}'; column 3 should be 'prob_1', got 'prob_2'"));
    EXPECT_TRUE(ends_with(error_of("cell.csv", "target,prediction\n0,1\n1,x\n"),
                          "cell.csv:3:2: column 'prediction': expected an integer class index, got 'x'"));
    EXPECT_TRUE(ends_with(error_of("score_cell.csv", "target,score\n0,0.5\n1,nan\n"),
                          "score_cell.csv:3:2: column 'score': expected a finite number, got 'nan'"));
    EXPECT_TRUE(ends_with(error_of("ragged.csv", "target,prediction\n0,1\n1,1,0\n"),
                          "ragged.csv:3: expected 2 cells like the header, got 3"));
    EXPECT_TRUE(ends_with(error_of("negative.csv", "target,prediction\n0,1\n-1,1\n"),
                          "negative.csv:3:1: column 'target': label -1 is outside [0, 2)"));
    EXPECT_TRUE(ends_with(error_of("too_big.csv", "target,prediction\n0,1\n1,3\n", false, 3),
                          "too_big.csv:3:2: column 'prediction': label 3 is outside [0, 3)"));
    EXPECT_TRUE(ends_with(error_of("binary.csv", "target,score\n0,0.5\n2,0.1\n"),
                          "binary.csv:3:1: column 'target': label 2 is outside [0, 2)"));
    EXPECT_TRUE(ends_with(error_of("k.csv", "target,prob_0,prob_1\n0,0.5,0.5\n", false, 3),
                          "k.csv:1: --num-classes 3 does not match the header, which has 2 classes"));
    EXPECT_TRUE(ends_with(error_of("header_only.csv", "target,prediction\n"), "header_only.csv:1: no data rows after the header"));
    EXPECT_TRUE(ends_with(error_of("reg_header.csv", "target,score\n0,1\n", true),
                          "reg_header.csv:1: expected header 'target,prediction', got 'target,score'"));
    EXPECT_NE(error_of("missing.csv", "").find("empty"), std::string::npos);
    try {
        read_prediction_csv("/nonexistent/predictions.csv");
        FAIL() << "a missing file must throw";
    } catch (const CsvError& error) {
        EXPECT_STREQ(error.what(), "/nonexistent/predictions.csv: cannot open the file");
    }
}
