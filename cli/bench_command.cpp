// `kindling bench conv` and `kindling bench train-step`: time the reference
// workloads of benchmarks/reference_workloads.hpp on this machine.
//
//   kindling bench conv [--json] [--threads T] [--layers a,b,...] [--repeats R]
//   kindling bench train-step [--json] [--threads T] [--batch-size B] [--steps S]
//
// Every figure is a median of timed runs (std::chrono::steady_clock) after
// untimed warm-up runs. Warm-up matters: the first runs page in fresh memory
// and fill the storage block cache (tensor/storage.cpp), so they measure the
// operating system rather than the convolution.
//
// conv, per layer (N images):
//   forward_ms           y = conv(x), with autograd recording (x requires grad),
//                        exactly as in training
//   forward_backward_ms  y = conv(x); y.backward(dy): the autograd engine runs
//                        the Conv2d backward (dX, dW, db) and stores the three
//                        gradients; they are dropped, untimed, before the next run.
//                        PyTorch is timed the same way (benchmarks/compare_pytorch.py).
//   gemm_ms              one OpenBLAS SGEMM of the forward's shape,
//                        [C_out, C_in*k*k] @ [C_in*k*k, N*H_out*W_out], on ready
//                        columns, split over the same threads (blas_gemm): the
//                        ceiling that im2col + SGEMM can reach
//   GFLOP/s              flops / time, flops as in reference_workloads.hpp
//                        (2 per multiply-add; forward + backward = 3 * forward)
//   forward_vs_gemm      forward GFLOP/s / GEMM GFLOP/s (1.0 = no im2col or
//                        bookkeeping overhead at all)
//   images_per_second    N / forward_backward time: a training pass through the layer
//
// train-step: the reference CNN on one random batch (fixed seed), each step
//   optimizer.zero_grad(); loss = cross_entropy(model(x), labels); loss.backward(); optimizer.step();
// with the peak resident memory and the page faults (minor + major, from
// getrusage) per timed step: near zero when buffers are reused rather than
// freshly allocated on every step.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "benchmarks/reference_workloads.hpp"
#include "cli/commands.hpp"
#include "nn/cross_entropy.hpp"
#include "nn/sgd.hpp"
#include "tensor/blas.hpp"
#include "tensor/generator.hpp"
#include "tensor/parallel.hpp"
#include "tensor/tensor.hpp"

namespace kindling::cli {

namespace {

using benchmarks::ConvWorkload;
using nlohmann::json;

// Untimed runs before the timed ones (see the top of the file).
constexpr int conv_warmup_runs = 2;
constexpr int train_warmup_steps = 3;

struct BenchConvArguments {
    bool json_output = false;
    std::optional<int> threads; // default: leave Kindling's thread count as it is
    std::string layers;         // "a,b,..."; empty = all
    int repeats = 10;
};

struct BenchTrainStepArguments {
    bool json_output = false;
    std::optional<int> threads;
    std::int64_t batch_size = benchmarks::TrainingWorkload::default_batch_size;
    int steps = 20;
};

void require_positive(std::int64_t value, const std::string& option) {
    if (value < 1) throw std::invalid_argument("bench " + option + ": expected at least 1, got " + std::to_string(value));
}

void apply_threads(const std::optional<int>& threads, const std::string& command) {
    if (!threads) return;
    require_positive(*threads, command + " --threads");
    set_num_threads(*threads);
}

// --- timing ------------------------------------------------------------------------

// The middle value; the mean of the middle two for an even count (as Python's
// statistics.median, which compare_pytorch.py uses).
double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Runs prepare() then work() `warmup` times untimed, then `repeats` times
// timing work() alone; returns the median time of work() in milliseconds.
template <typename Prepare, typename Work>
double median_milliseconds(int warmup, int repeats, Prepare&& prepare, Work&& work) {
    for (int run = 0; run < warmup; ++run) {
        prepare();
        work();
    }
    std::vector<double> times;
    for (int run = 0; run < repeats; ++run) {
        prepare();
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(milliseconds_since(start));
    }
    return median(times);
}

double gflops(double flops, double milliseconds) { return flops / (milliseconds * 1e6); }

// --- bench conv --------------------------------------------------------------------

struct ConvResult {
    ConvWorkload workload;
    double forward_ms;
    double forward_backward_ms;
    double gemm_ms;
};

ConvResult time_conv(const ConvWorkload& workload, int repeats) {
    Generator generator(0);
    const std::shared_ptr<nn::Conv2d> layer = workload.make_layer(generator);
    const std::int64_t output_size = workload.output_size();
    // x requires grad, so the backward computes dX as it does for every hidden layer.
    Tensor input = randn({workload.batch, workload.in_channels, workload.image_size, workload.image_size}, generator);
    input.requires_grad_();
    const Tensor grad_output = randn({workload.batch, workload.out_channels, output_size, output_size}, generator);
    auto drop_gradients = [&] {
        input.zero_grad();
        layer->zero_grad();
    };

    ConvResult result{workload, 0.0, 0.0, 0.0};
    result.forward_ms = median_milliseconds(conv_warmup_runs, repeats, drop_gradients, [&] { (*layer)(input); });
    result.forward_backward_ms = median_milliseconds(conv_warmup_runs, repeats, drop_gradients, [&] {
        const Tensor output = (*layer)(input);
        output.backward(grad_output); // dX, dW, db
    });

    // output [C_out, N*H_out*W_out] = weight [C_out, C_in*k*k] @ columns [C_in*k*k, N*H_out*W_out]
    const auto rows = static_cast<int>(workload.gemm_rows());
    const auto inner = static_cast<int>(workload.gemm_inner());
    const auto columns = static_cast<int>(workload.gemm_columns());
    const Tensor weight = randn({rows, inner}, generator);
    const Tensor column_matrix = randn({inner, columns}, generator);
    Tensor output = empty({rows, columns});
    result.gemm_ms = median_milliseconds(conv_warmup_runs, repeats, [] {}, [&] {
        blas_gemm(false, false, rows, columns, inner, 1.0f, weight.data<float>(), inner, column_matrix.data<float>(),
                  columns, 0.0f, output.data<float>(), columns);
    });
    return result;
}

std::vector<ConvWorkload> selected_workloads(const std::string& layer_names) {
    if (layer_names.empty()) return benchmarks::reference_conv_workloads();
    std::vector<ConvWorkload> selected;
    std::stringstream stream(layer_names);
    std::string name;
    while (std::getline(stream, name, ',')) {
        try {
            selected.push_back(benchmarks::reference_conv_workload(name));
        } catch (const std::invalid_argument& error) {
            throw std::invalid_argument(std::string("bench conv --layers: ") + error.what());
        }
    }
    return selected;
}

json conv_case_json(const ConvResult& result) {
    const ConvWorkload& workload = result.workload;
    const double forward_gflops = gflops(workload.forward_flops(), result.forward_ms);
    const double gemm_gflops = gflops(workload.forward_flops(), result.gemm_ms);
    return {{"layer", workload.name},
            {"description", workload.description()},
            {"batch", workload.batch},
            {"in_channels", workload.in_channels},
            {"out_channels", workload.out_channels},
            {"image_size", workload.image_size},
            {"kernel", workload.kernel},
            {"stride", workload.stride},
            {"padding", workload.padding},
            {"forward_ms", result.forward_ms},
            {"forward_gflops", forward_gflops},
            {"forward_backward_ms", result.forward_backward_ms},
            {"forward_backward_gflops", gflops(workload.forward_backward_flops(), result.forward_backward_ms)},
            {"gemm_ms", result.gemm_ms},
            {"gemm_gflops", gemm_gflops},
            {"forward_vs_gemm", forward_gflops / gemm_gflops},
            {"images_per_second", static_cast<double>(workload.batch) / (result.forward_backward_ms / 1000.0)}};
}

void print_environment(int threads) {
    std::printf("OpenBLAS core: %s   OpenMP threads: %d   BLAS threads: %d\n", blas_core_name(), threads,
                blas_num_threads());
}

void print_conv_table(const json& report, int repeats) {
    std::printf("kindling bench conv: Conv2d (im2col + SGEMM) against the bare SGEMM of the same shape\n");
    std::printf("medians of %d runs after %d warm-up runs; GFLOP/s counts 2 per multiply-add, fwd+bwd = 3x fwd\n",
                repeats, conv_warmup_runs);
    print_environment(report["threads"].get<int>());
    std::printf("\n%-5s %-25s %5s | %9s %8s | %9s %8s | %9s | %9s %8s | %8s\n", "layer", "shape", "batch", "fwd ms",
                "GFLOP/s", "f+b ms", "GFLOP/s", "images/s", "GEMM ms", "GFLOP/s", "fwd/GEMM");
    for (const json& row : report["cases"]) {
        std::printf("%-5s %-25s %5lld | %9.3f %8.1f | %9.3f %8.1f | %9.0f | %9.3f %8.1f | %7.0f%%\n",
                    row["layer"].get<std::string>().c_str(), row["description"].get<std::string>().c_str(),
                    row["batch"].get<long long>(), row["forward_ms"].get<double>(), row["forward_gflops"].get<double>(),
                    row["forward_backward_ms"].get<double>(), row["forward_backward_gflops"].get<double>(),
                    row["images_per_second"].get<double>(), row["gemm_ms"].get<double>(),
                    row["gemm_gflops"].get<double>(), 100.0 * row["forward_vs_gemm"].get<double>());
    }
}

void run_bench_conv(const BenchConvArguments& arguments) {
    require_positive(arguments.repeats, "conv --repeats");
    const std::vector<ConvWorkload> workloads = selected_workloads(arguments.layers);
    apply_threads(arguments.threads, "conv");

    json report = {{"benchmark", "conv"},
                   {"openblas_core", blas_core_name()},
                   {"threads", get_num_threads()},
                   {"blas_threads", blas_num_threads()},
                   {"repeats", arguments.repeats},
                   {"warmup_runs", conv_warmup_runs},
                   {"cases", json::array()}};
    for (const ConvWorkload& workload : workloads) {
        report["cases"].push_back(conv_case_json(time_conv(workload, arguments.repeats)));
    }
    if (arguments.json_output) {
        std::cout << report.dump(2) << "\n";
    } else {
        print_conv_table(report, arguments.repeats);
    }
}

// --- bench train-step --------------------------------------------------------------

// Minor faults (a page mapped on first touch) plus major faults (read from disk).
std::int64_t page_faults_so_far() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt + usage.ru_majflt;
}

double peak_resident_megabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports kilobytes
}

void print_train_step(const json& report) {
    std::printf("kindling bench train-step: the reference CNN (conv 3-32-32 pool 64-64 pool, Linear 4096-256-10),\n"
                "cross-entropy, backward, SGD (lr 0.01, momentum 0.9) on one random batch\n");
    print_environment(report["threads"].get<int>());
    std::printf("\n%-42s %12lld\n", "batch size", report["batch_size"].get<long long>());
    std::printf("%-42s %12.2f\n",
                ("step ms (median of " + std::to_string(report["steps"].get<int>()) + " after " +
                 std::to_string(report["warmup_steps"].get<int>()) + " warm-up)")
                    .c_str(),
                report["step_ms"].get<double>());
    std::printf("%-42s %12.1f\n", "images/s", report["images_per_second"].get<double>());
    std::printf("%-42s %12.1f\n", "peak resident memory (MB)", report["peak_rss_mb"].get<double>());
    std::printf("%-42s %12.1f\n", "page faults per timed step", report["page_faults_per_step"].get<double>());
    std::printf("%-42s %12lld\n", "page faults during warm-up (all steps)",
                report["warmup_page_faults"].get<long long>());
}

void run_bench_train_step(const BenchTrainStepArguments& arguments) {
    require_positive(arguments.batch_size, "train-step --batch-size");
    require_positive(arguments.steps, "train-step --steps");
    apply_threads(arguments.threads, "train-step");

    Generator generator(0);
    const std::shared_ptr<nn::Sequential> model = benchmarks::reference_training_network(generator);
    nn::SGD optimizer(model->parameters(), benchmarks::reference_sgd_options());
    using Workload = benchmarks::TrainingWorkload;
    const Tensor images =
        randn({arguments.batch_size, Workload::image_channels, Workload::image_size, Workload::image_size}, generator);
    const Tensor labels = randint(0, Workload::num_classes, {arguments.batch_size}, generator);
    auto training_step = [&] {
        optimizer.zero_grad();
        const Tensor loss = nn::functional::cross_entropy((*model)(images), labels);
        loss.backward();
        optimizer.step();
    };

    const std::int64_t faults_at_start = page_faults_so_far();
    for (int step = 0; step < train_warmup_steps; ++step) training_step();
    const std::int64_t faults_after_warmup = page_faults_so_far();
    std::vector<double> step_times;
    for (int step = 0; step < arguments.steps; ++step) {
        const auto start = std::chrono::steady_clock::now();
        training_step();
        step_times.push_back(milliseconds_since(start));
    }
    const std::int64_t timed_faults = page_faults_so_far() - faults_after_warmup;
    const double step_ms = median(step_times);

    const json report = {
        {"benchmark", "train-step"},
        {"openblas_core", blas_core_name()},
        {"threads", get_num_threads()},
        {"batch_size", arguments.batch_size},
        {"steps", arguments.steps},
        {"warmup_steps", train_warmup_steps},
        {"step_ms", step_ms},
        {"images_per_second", static_cast<double>(arguments.batch_size) / (step_ms / 1000.0)},
        {"peak_rss_mb", peak_resident_megabytes()},
        {"page_faults_per_step", static_cast<double>(timed_faults) / arguments.steps},
        {"warmup_page_faults", faults_after_warmup - faults_at_start},
    };
    if (arguments.json_output) {
        std::cout << report.dump(2) << "\n";
    } else {
        print_train_step(report);
    }
}

} // namespace

void add_bench_command(CLI::App& app) {
    CLI::App* bench = app.add_subcommand("bench", "Time the reference conv layers and training step on this machine");
    bench->require_subcommand(1);

    auto conv_arguments = std::make_shared<BenchConvArguments>();
    CLI::App* conv = bench->add_subcommand(
        "conv", "Conv2d forward and forward+backward per reference layer (a-g), against the bare SGEMM");
    conv->add_flag("--json", conv_arguments->json_output, "Print the results as one JSON object");
    conv->add_option("--threads", conv_arguments->threads, "OpenMP and OpenBLAS threads (default: OMP_NUM_THREADS or all cores)");
    conv->add_option("--layers", conv_arguments->layers, "Comma-separated reference layers, e.g. b,c,d (default: a-g)");
    conv->add_option("--repeats", conv_arguments->repeats, "Timed runs per measurement; the median is reported")
        ->capture_default_str();
    conv->callback([conv_arguments] { run_bench_conv(*conv_arguments); });

    auto train_arguments = std::make_shared<BenchTrainStepArguments>();
    CLI::App* train_step = bench->add_subcommand(
        "train-step", "One training step of the reference CNN on random 3x32x32 images: images/s, memory, page faults");
    train_step->add_flag("--json", train_arguments->json_output, "Print the results as one JSON object");
    train_step->add_option("--threads", train_arguments->threads,
                           "OpenMP and OpenBLAS threads (default: OMP_NUM_THREADS or all cores)");
    train_step->add_option("--batch-size", train_arguments->batch_size, "Images per step")->capture_default_str();
    train_step->add_option("--steps", train_arguments->steps, "Timed steps; the median is reported")->capture_default_str();
    train_step->callback([train_arguments] { run_bench_train_step(*train_arguments); });
}

} // namespace kindling::cli
