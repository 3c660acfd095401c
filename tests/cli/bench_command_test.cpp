// `kindling bench`, run as a user (or compare_pytorch.py) runs it, with tiny
// settings so the test takes about a second: the JSON has the documented
// fields with sane values, and bad input is refused with a clear message.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_kindling.hpp"

namespace {

nlohmann::json run_json(const std::string& arguments) {
    const ProgramRun run = run_kindling(arguments);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return nlohmann::json::parse(run.output);
}

} // namespace

TEST(BenchCommand, ConvJsonHasEveryFieldForTheChosenLayers) {
    const nlohmann::json report = run_json("bench conv --json --threads 1 --layers a,e --repeats 1");
    EXPECT_EQ(report["benchmark"], "conv");
    EXPECT_FALSE(report["openblas_core"].get<std::string>().empty());
    EXPECT_EQ(report["threads"], 1);
    EXPECT_EQ(report["blas_threads"], 1);
    ASSERT_EQ(report["cases"].size(), 2u);

    const nlohmann::json& a = report["cases"][0];
    EXPECT_EQ(a["layer"], "a");
    EXPECT_EQ(a["description"], "3->32 3x3 s1 p1 32x32");
    EXPECT_EQ(a["batch"], 64);
    EXPECT_EQ(a["in_channels"], 3);
    EXPECT_EQ(a["out_channels"], 32);
    EXPECT_EQ(a["image_size"], 32);
    EXPECT_EQ(a["kernel"], 3);
    EXPECT_EQ(a["stride"], 1);
    EXPECT_EQ(a["padding"], 1);
    const nlohmann::json& e = report["cases"][1];
    EXPECT_EQ(e["description"], "64->64 1x1 s1 p0 32x32");
    EXPECT_EQ(e["padding"], 0);

    for (const nlohmann::json& row : report["cases"]) {
        for (const char* field : {"forward_ms", "forward_gflops", "forward_backward_ms", "forward_backward_gflops",
                                  "gemm_ms", "gemm_gflops", "forward_vs_gemm", "images_per_second"}) {
            ASSERT_TRUE(row.contains(field)) << field;
            EXPECT_GT(row[field].get<double>(), 0.0) << field;
        }
        // The backward does twice the forward's work, so it cannot be faster than the forward.
        EXPECT_GT(row["forward_backward_ms"].get<double>(), row["forward_ms"].get<double>());
        // GFLOP/s are the documented flops over the measured time: forward = 2 * N * C_out * C_in*k*k * H_out*W_out.
        const double forward_flops = 2.0 * row["batch"].get<double>() * row["out_channels"].get<double>() *
                                     row["in_channels"].get<double>() * row["kernel"].get<double>() *
                                     row["kernel"].get<double>() * row["image_size"].get<double>() *
                                     row["image_size"].get<double>();
        EXPECT_NEAR(row["forward_gflops"].get<double>(), forward_flops / (row["forward_ms"].get<double>() * 1e6),
                    1e-6 * row["forward_gflops"].get<double>());
        EXPECT_NEAR(row["forward_backward_gflops"].get<double>(),
                    3.0 * forward_flops / (row["forward_backward_ms"].get<double>() * 1e6),
                    1e-6 * row["forward_backward_gflops"].get<double>());
        EXPECT_NEAR(row["forward_vs_gemm"].get<double>(),
                    row["forward_gflops"].get<double>() / row["gemm_gflops"].get<double>(), 1e-9);
        EXPECT_NEAR(row["images_per_second"].get<double>(),
                    row["batch"].get<double>() / (row["forward_backward_ms"].get<double>() / 1000.0),
                    1e-6 * row["images_per_second"].get<double>());
    }
}

TEST(BenchCommand, ConvHumanTableNamesTheEnvironment) {
    const ProgramRun run = run_kindling("bench conv --threads 1 --layers a --repeats 1");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("OpenBLAS core: "), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("OpenMP threads: 1"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("3->32 3x3 s1 p1 32x32"), std::string::npos) << run.output;
}

TEST(BenchCommand, TrainStepJsonHasEveryField) {
    const nlohmann::json report = run_json("bench train-step --json --threads 1 --batch-size 4 --steps 2");
    EXPECT_EQ(report["benchmark"], "train-step");
    EXPECT_FALSE(report["openblas_core"].get<std::string>().empty());
    EXPECT_EQ(report["threads"], 1);
    EXPECT_EQ(report["batch_size"], 4);
    EXPECT_EQ(report["steps"], 2);
    EXPECT_GT(report["step_ms"].get<double>(), 0.0);
    EXPECT_NEAR(report["images_per_second"].get<double>(), 4.0 / (report["step_ms"].get<double>() / 1000.0),
                1e-6 * report["images_per_second"].get<double>());
    // The network alone holds 1.1 M float parameters (4.5 MB) plus SGD's momentum buffers.
    EXPECT_GT(report["peak_rss_mb"].get<double>(), 9.0);
    EXPECT_GE(report["page_faults_per_step"].get<double>(), 0.0);
    EXPECT_GT(report["warmup_page_faults"].get<std::int64_t>(), 0); // the first step touches fresh memory
}

TEST(BenchCommand, RefusesAnUnknownLayer) {
    const ProgramRun run = run_kindling("bench conv --layers a,z --repeats 1");
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.output.find("unknown reference conv layer 'z'"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("a, b, c, d, e, f, g"), std::string::npos) << run.output;
}

TEST(BenchCommand, RefusesZeroThreadsStepsAndRepeats) {
    for (const char* arguments :
         {"bench conv --threads 0 --layers a --repeats 1", "bench train-step --threads 0 --steps 1",
          "bench conv --layers a --repeats 0", "bench train-step --batch-size 4 --steps 0",
          "bench train-step --batch-size 0 --steps 1"}) {
        const ProgramRun run = run_kindling(arguments);
        EXPECT_NE(run.exit_code, 0) << arguments;
        EXPECT_NE(run.output.find("expected at least 1, got 0"), std::string::npos) << arguments << "\n" << run.output;
    }
}
