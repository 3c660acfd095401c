// `kindling train`, `eval` and `predict`, run as a user runs them, on a tiny
// image folder the test writes: reddish images are class "red", bluish "blue".
#include <gtest/gtest.h>

#include <stb/stb_image_write.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "cli/run_kindling.hpp"

namespace {

namespace fs = std::filesystem;

// root/{train,val}/{red,blue}/*.png, 8x8 pixels with noise so no channel is
// constant. Each test has its own folder: CTest runs them in parallel.
fs::path make_colour_folder(const std::string& test_name) {
    const fs::path root = fs::temp_directory_path() / ("kindling_train_command_" + test_name);
    fs::remove_all(root);
    std::mt19937 noise(3);
    for (const auto& [split, count] : {std::pair<const char*, int>{"train", 24}, {"val", 8}}) {
        for (const char* colour : {"red", "blue"}) {
            fs::create_directories(root / split / colour);
            for (int i = 0; i < count; ++i) {
                std::vector<unsigned char> pixels;
                for (int p = 0; p < 8 * 8; ++p) {
                    const int jitter = static_cast<int>(noise() % 60);
                    const bool red = colour[0] == 'r';
                    pixels.insert(pixels.end(), {static_cast<unsigned char>(red ? 190 + jitter : 20 + jitter),
                                                 static_cast<unsigned char>(40 + jitter),
                                                 static_cast<unsigned char>(red ? 20 + jitter : 190 + jitter)});
                }
                const fs::path file = root / split / colour / (std::to_string(i) + ".png");
                stbi_write_png(file.c_str(), 8, 8, 3, pixels.data(), 8 * 3);
            }
        }
    }
    return root;
}

nlohmann::json read_json(const fs::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

} // namespace

TEST(TrainCommand, TrainsWritesEveryOutputAndEvalReproducesIt) {
    const fs::path data = make_colour_folder("outputs");
    const fs::path out = fs::temp_directory_path() / "kindling_train_run_outputs";
    fs::remove_all(out);
    const ProgramRun run = run_kindling("train --dataset folder:" + data.string() +
                                        " --image-size 8 --model mlp --epochs 3 --batch-size 8 --lr 0.01 --threads 1 --out " +
                                        out.string());
    ASSERT_EQ(run.exit_code, 0) << run.output;
    for (const char* file : {"best.safetensors", "last.safetensors", "last.optimizer.safetensors", "history.csv",
                             "summary.json", "loss.svg", "accuracy.svg", "confusion_matrix.svg",
                             "precision_recall.svg", "report.html"}) {
        EXPECT_TRUE(fs::exists(out / file)) << file << " missing; output:\n" << run.output;
    }
    const nlohmann::json summary = read_json(out / "summary.json");
    EXPECT_EQ(summary["epochs"], 3);
    EXPECT_EQ(summary["model"], "mlp");
    EXPECT_EQ(summary["class_names"], nlohmann::json::parse(R"(["blue", "red"])")); // sorted like ImageFolder
    EXPECT_GE(summary["test_accuracy"].get<double>(), 0.9) << run.output; // an easy task
    for (const char* field : {"test_loss", "train_seconds", "images_per_second", "per_class", "diagnostics"}) {
        EXPECT_TRUE(summary.contains(field)) << field;
    }
    EXPECT_EQ(summary["per_class"][0]["support"], 8);
    EXPECT_NE(run.output.find("test accuracy"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("f1-score"), std::string::npos) << run.output; // the classification report

    const ProgramRun eval = run_kindling("eval --checkpoint " + (out / "best.safetensors").string() + " --out " +
                                         (out / "eval").string());
    ASSERT_EQ(eval.exit_code, 0) << eval.output;
    EXPECT_DOUBLE_EQ(read_json(out / "eval" / "summary.json")["test_accuracy"].get<double>(),
                     summary["test_accuracy"].get<double>());

    const ProgramRun predict = run_kindling("predict --checkpoint " + (out / "best.safetensors").string() + " " +
                                            (data / "val" / "red" / "0.png").string());
    ASSERT_EQ(predict.exit_code, 0) << predict.output;
    EXPECT_NE(predict.output.find("0.png: red "), std::string::npos) << predict.output;
}

TEST(TrainCommand, ResumeContinuesFromTheLastCompletedEpoch) {
    const fs::path data = make_colour_folder("resume");
    const fs::path out = fs::temp_directory_path() / "kindling_train_run_resume";
    fs::remove_all(out);
    const std::string common = " --image-size 8 --model mlp --batch-size 8 --threads 1 --out " + out.string();
    ASSERT_EQ(run_kindling("train --dataset folder:" + data.string() + " --epochs 1" + common).exit_code, 0);
    const ProgramRun resumed = run_kindling("train --epochs 2 --resume " + (out / "last.safetensors").string() + common);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("after epoch 1"), std::string::npos) << resumed.output;
    std::ifstream history(out / "history.csv");
    int lines = 0;
    for (std::string line; std::getline(history, line);) ++lines;
    EXPECT_EQ(lines, 3); // header + epochs 1 and 2
}

TEST(TrainCommand, BadInputExitsNonZeroWithAClearMessage) {
    const ProgramRun unknown = run_kindling("train --dataset imagenet");
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_NE(unknown.output.find("unknown dataset 'imagenet'"), std::string::npos) << unknown.output;

    const ProgramRun missing = run_kindling("train --dataset folder:/nonexistent/kindling");
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.output.find("/nonexistent/kindling"), std::string::npos) << missing.output;

    const ProgramRun no_cifar = run_kindling("train --dataset cifar10");
    EXPECT_NE(no_cifar.exit_code, 0);
    EXPECT_NE(no_cifar.output.find("--data-dir"), std::string::npos) << no_cifar.output;

    const ProgramRun not_a_checkpoint = run_kindling("eval --checkpoint " + std::string(KINDLING_SOURCE_DIR) + "/README.md");
    EXPECT_NE(not_a_checkpoint.exit_code, 0);
    EXPECT_NE(not_a_checkpoint.output.find("README.md"), std::string::npos) << not_a_checkpoint.output;
}
