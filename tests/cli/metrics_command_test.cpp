// `kindling metrics`, run as a user runs it: the built program on CSV files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_kindling.hpp"

namespace {

std::string write_csv(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("kindling_cli_metrics_" + name);
    std::ofstream(path) << text;
    return path.string();
}

// The tutorials' cat/dog predictions: 50 + 5 cats, 3 + 42 dogs.
std::string cat_dog_csv() {
    std::string text = "target,prediction\n";
    const int cells[2][2] = {{50, 5}, {3, 42}};
    for (int actual = 0; actual < 2; ++actual) {
        for (int predicted = 0; predicted < 2; ++predicted) {
            for (int i = 0; i < cells[actual][predicted]; ++i) text += std::to_string(actual) + "," + std::to_string(predicted) + "\n";
        }
    }
    return write_csv("cat_dog.csv", text);
}

} // namespace

TEST(MetricsCommand, JsonForTheCatDogExample) {
    const ProgramRun run = run_kindling("metrics --json --class-names cat,dog " + cat_dog_csv());
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const nlohmann::json result = nlohmann::json::parse(run.output);
    EXPECT_EQ(result["num_samples"], 100);
    EXPECT_EQ(result["num_classes"], 2);
    EXPECT_DOUBLE_EQ(result["accuracy"].get<double>(), 0.92);
    EXPECT_EQ(result["confusion_matrix"], nlohmann::json::parse("[[50, 5], [3, 42]]"));
    const nlohmann::json& cat = result["per_class"][0];
    EXPECT_DOUBLE_EQ(cat["precision"].get<double>(), 50.0 / 53.0);
    EXPECT_DOUBLE_EQ(cat["recall"].get<double>(), 50.0 / 55.0);
    EXPECT_DOUBLE_EQ(cat["f1"].get<double>(), 100.0 / 108.0);
    EXPECT_DOUBLE_EQ(cat["iou"].get<double>(), 50.0 / 58.0);
    EXPECT_EQ(cat["support"], 55);
    EXPECT_DOUBLE_EQ(result["micro"]["f1"].get<double>(), 0.92);
    EXPECT_TRUE(result["macro"].contains("recall"));
    EXPECT_TRUE(result["weighted"].contains("precision"));
    EXPECT_TRUE(result["warnings"].empty());
}

TEST(MetricsCommand, HumanReportShowsTheAccuracyParadox) {
    std::string text = "target,prediction\n";
    for (int i = 0; i < 95; ++i) text += "0,0\n";
    for (int i = 0; i < 5; ++i) text += "1,0\n"; // every defect missed
    const ProgramRun run = run_kindling("metrics --class-names ok,defect " + write_csv("defects.csv", text));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("weighted avg"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("true \\ predicted"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("accuracy-paradox"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("class 'defect' has recall 0.0%"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("precision is undefined"), std::string::npos) << run.output; // 'defect' never predicted
}

TEST(MetricsCommand, BinaryScoresAndRegression) {
    const std::string scores = write_csv("scores.csv", "target,score\n0,0.1\n0,0.6\n1,0.4\n1,0.9\n");
    const nlohmann::json at_half = nlohmann::json::parse(run_kindling("metrics --json " + scores).output);
    EXPECT_DOUBLE_EQ(at_half["accuracy"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(at_half["roc_auc"].get<double>(), 0.75);
    const nlohmann::json at_low = nlohmann::json::parse(run_kindling("metrics --json --threshold 0.35 " + scores).output);
    EXPECT_DOUBLE_EQ(at_low["per_class"][1]["recall"].get<double>(), 1.0);

    const ProgramRun regression = run_kindling("metrics --regression --json " + write_csv("reg.csv", "target,prediction\n1,1.5\n2,1\n"));
    ASSERT_EQ(regression.exit_code, 0) << regression.output;
    const nlohmann::json errors = nlohmann::json::parse(regression.output);
    EXPECT_DOUBLE_EQ(errors["mse"].get<double>(), 0.625);
    EXPECT_DOUBLE_EQ(errors["mae"].get<double>(), 0.75);
    EXPECT_EQ(errors["num_samples"], 2);
}

TEST(MetricsCommand, NumClassesAddsAClassThatNeverOccurs) {
    const ProgramRun run = run_kindling("metrics --json --num-classes 3 " + write_csv("k.csv", "target,prediction\n0,0\n1,1\n"));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const nlohmann::json result = nlohmann::json::parse(run.output);
    EXPECT_EQ(result["num_classes"], 3);
    EXPECT_EQ(result["per_class"][2]["support"], 0);
    EXPECT_FALSE(result["warnings"].empty()); // class 2's precision and recall are 0/0
}

TEST(MetricsCommand, BadInputIsAOneLineErrorAndNonZeroExit) {
    const std::string missing = (std::filesystem::temp_directory_path() / "kindling_no_such_file.csv").string();
    const std::pair<std::string, std::string> cases[] = {
        {missing, "cannot open the file"},
        {write_csv("empty.csv", ""), "the file is empty"},
        {write_csv("header.csv", "truth,guess\n0,1\n"), ":1: expected header"},
        {write_csv("cell.csv", "target,prediction\n0,1\n1,one\n"), ":3:2: column 'prediction'"},
        {write_csv("label.csv", "target,prediction\n0,1\n-2,1\n"), ":3:1: column 'target': label -2 is outside"},
        {write_csv("ragged.csv", "target,prediction\n0,1\n1\n"), ":3: expected 2 cells like the header, got 1"},
    };
    for (const auto& [path, expected] : cases) {
        const ProgramRun run = run_kindling("metrics " + path);
        EXPECT_NE(run.exit_code, 0) << path;
        EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
        EXPECT_NE(run.output.find(path), std::string::npos) << "the error names the file: " << run.output;
        EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << "one line: " << run.output;
    }
    const ProgramRun too_big = run_kindling("metrics --num-classes 2 " + write_csv("big.csv", "target,prediction\n0,2\n"));
    EXPECT_NE(too_big.exit_code, 0);
    EXPECT_NE(too_big.output.find(":2:2: column 'prediction': label 2 is outside [0, 2)"), std::string::npos) << too_big.output;
}
