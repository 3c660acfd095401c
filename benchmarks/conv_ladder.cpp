// The convolution ladder (nn/conv2d_ladder.hpp) timed on reference layer b:
// 32 -> 64 channels, 3x3, stride 1, padding 1, 32x32 images, batch 64.
//
//   bench_conv_ladder [--svg FILE] [Google Benchmark flags]
//   bench_conv_ladder --svg ladder.svg --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
//   BM_ConvLadder/forward/<rung>             y = conv2d(x, w, b)
//   BM_ConvLadder/forward_backward/<rung>    y, then dx, dw and db from a fixed dy
//   BM_ConvLadder/.../nn_conv2d/threads:T    the production nn::conv2d for comparison
//                                            (images batched per GEMM, workspaces reused)
//   BM_LadderGemm/<product>/<gemm>           the bare GEMMs of one image, 1 thread
//
// Counters: GFLOP/s (benchmarks/reference_workloads.hpp: 2 flops per
// multiply-add; forward + backward = 3 x forward) and %peak, the share of the
// peak of the cores in use, measured at start-up by an FMA loop on one core.
//
// The three slowest rungs convolve fewer images per iteration (the "images"
// counter) so that a run takes seconds, not minutes: their GFLOP/s is per
// image and stays comparable; the summary table scales their time to 64 images.
//
// At the end a Markdown table of the results is printed (the medians when run
// with repetitions), and with --svg FILE a bar chart of GFLOP/s per rung is
// written for docs/performance.md. For a machine-readable copy use
// --benchmark_out=FILE --benchmark_out_format=json (the console output is
// always the table-friendly one).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/node.hpp"
#include "metrics/svg_plot.hpp"
#include "nn/conv2d.hpp"
#include "nn/conv2d_ladder.hpp"
#include "reference_workloads.hpp"
#include "tensor/generator.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;
using nn::Size2d;
using nn::ladder::Rung;

namespace {

const benchmarks::ConvWorkload& layer = benchmarks::reference_conv_workload("b");

// --- the machine's peak -----------------------------------------------------------

// GFLOP/s of one core doing nothing but fused multiply-adds:
//   acc[chain][lane] = acc[chain][lane] * multiplier + addend
// 12 independent chains of 16 lanes: GCC keeps each chain in one zmm register
// and emits one vfmadd per chain per step. Independent chains matter: an FMA
// takes 4 cycles and two units can start one each per cycle, so at least 8
// must be in flight. The best of several short runs, to dodge other processes.
double measure_peak_gflops() {
    constexpr int chains = 12, lanes = 16;
    constexpr std::int64_t steps = 10'000'000;
    volatile float opaque_multiplier = 0.999999f, opaque_addend = 1e-6f; // not known at compile time
    const float multiplier = opaque_multiplier, addend = opaque_addend;
    double best = 0.0;
    for (int attempt = 0; attempt < 7; ++attempt) {
        float acc[chains][lanes];
        for (int chain = 0; chain < chains; ++chain) {
            for (int lane = 0; lane < lanes; ++lane) acc[chain][lane] = static_cast<float>(chain + lane);
        }
        const auto start = std::chrono::steady_clock::now();
        for (std::int64_t step = 0; step < steps; ++step) {
            for (int chain = 0; chain < chains; ++chain) {
#pragma omp simd
                for (int lane = 0; lane < lanes; ++lane) acc[chain][lane] = acc[chain][lane] * multiplier + addend;
            }
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        float total = 0.0f;
        for (int chain = 0; chain < chains; ++chain) {
            for (int lane = 0; lane < lanes; ++lane) total += acc[chain][lane];
        }
        benchmark::DoNotOptimize(total);
        best = std::max(best, 2.0 * chains * lanes * static_cast<double>(steps) / seconds / 1e9);
    }
    return best;
}

double peak_gflops_per_core = 0.0; // set in main before any benchmark runs

// --- what is timed ----------------------------------------------------------------------

// One bar of the chart / row of the table: a rung, or the production nn::conv2d.
struct Entry {
    std::string label;   // "4 im2col_blocked_gemm"
    std::string summary; // one line for the table
    std::optional<Rung> rung; // empty: nn::conv2d
    int threads;
    std::int64_t images; // per iteration
};

std::vector<Entry> make_entries() {
    std::vector<Entry> entries;
    for (const auto& info : nn::ladder::rungs()) {
        const int number = static_cast<int>(info.rung);
        // ~1-20 GFLOP/s: 64 images would take seconds per iteration.
        const std::int64_t images = info.rung == Rung::NaiveDirect || info.rung == Rung::Im2colNaiveGemm ? 2
                                    : info.rung == Rung::ReorderedDirect                                 ? 8
                                                                                                          : layer.batch;
        const int threads = info.rung == Rung::Im2colOpenBlasThreads ? 2 : 1;
        entries.push_back({std::to_string(number) + " " + std::string(info.name), std::string(info.summary),
                           info.rung, threads, images});
    }
    for (int threads : {1, 2}) {
        entries.push_back({"nn::conv2d, " + std::to_string(threads) + (threads == 1 ? " thread" : " threads"),
                           "the production op, for comparison", std::nullopt, threads, layer.batch});
    }
    return entries;
}

struct LayerTensors {
    Tensor input, weight, bias, grad_output;
};

LayerTensors make_tensors(std::int64_t images) {
    Generator generator(0);
    const std::int64_t size = layer.image_size, out_size = layer.output_size();
    return {randn({images, layer.in_channels, size, size}, generator),
            randn({layer.out_channels, layer.in_channels, layer.kernel, layer.kernel}, generator),
            randn({layer.out_channels}, generator), randn({images, layer.out_channels, out_size, out_size}, generator)};
}

void set_counters(benchmark::State& state, const Entry& entry, double flops_per_image) {
    const double flops = flops_per_image * static_cast<double>(entry.images);
    state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["%peak"] = benchmark::Counter(flops / 1e9 / (peak_gflops_per_core * entry.threads) * 100.0,
                                                 benchmark::Counter::kIsIterationInvariantRate);
    state.counters["images"] = static_cast<double>(entry.images);
    state.counters["threads"] = entry.threads;
}

void ladder_forward(benchmark::State& state, const Entry& entry) {
    set_num_threads(entry.threads);
    const LayerTensors t = make_tensors(entry.images);
    const Size2d stride(layer.stride), padding(layer.padding);
    for (auto _ : state) {
        const Tensor y = entry.rung
                             ? nn::ladder::conv2d_forward(*entry.rung, t.input, t.weight, t.bias, stride, padding)
                             : nn::conv2d(t.input, t.weight, t.bias, stride, padding);
        benchmark::DoNotOptimize(y.data<float>());
    }
    set_counters(state, entry, layer.forward_flops() / static_cast<double>(layer.batch));
}

void ladder_forward_backward(benchmark::State& state, const Entry& entry) {
    set_num_threads(entry.threads);
    LayerTensors t = make_tensors(entry.images);
    const Size2d stride(layer.stride), padding(layer.padding);
    if (!entry.rung) { // the production op computes gradients through autograd
        t.input.requires_grad_();
        t.weight.requires_grad_();
        t.bias.requires_grad_();
    }
    for (auto _ : state) {
        if (entry.rung) {
            const Tensor y = nn::ladder::conv2d_forward(*entry.rung, t.input, t.weight, t.bias, stride, padding);
            const auto grads =
                nn::ladder::conv2d_backward(*entry.rung, t.input, t.weight, t.grad_output, stride, padding);
            benchmark::DoNotOptimize(y.data<float>());
            benchmark::DoNotOptimize(grads.input.data<float>());
        } else {
            // The op's recorded backward closure, called directly: the
            // convolution's own work, without the engine's gradient accumulation.
            const Tensor y = nn::conv2d(t.input, t.weight, t.bias, stride, padding);
            const std::vector<Tensor> grads = y.grad_fn()->backward(t.grad_output); // dx, dw, db
            benchmark::DoNotOptimize(grads[0].data<float>());
        }
    }
    set_counters(state, entry, layer.forward_backward_flops() / static_cast<double>(layer.batch));
}

// --- the bare GEMMs -------------------------------------------------------------------

// The three products rungs 4 and 5 compute per image, on their own (no
// im2col, no col2im, no bias): how much of a rung's time is the GEMM.
//   forward      y [C_out, P]  = w [C_out, K] @ columns [K, P]
//   weight_grad  dw [C_out, K] += dy [C_out, P] @ columnsᵀ [P, K]
//   input_grad   grad_columns [K, P] = wᵀ [K, C_out] @ dy [C_out, P]
struct GemmProduct {
    std::string name;
    Transpose transpose_a, transpose_b;
    std::int64_t m, n, k;
    float beta;
};

std::vector<GemmProduct> layer_products() {
    const std::int64_t out_channels = layer.out_channels, rows = layer.gemm_inner();
    const std::int64_t pixels = layer.output_size() * layer.output_size();
    return {{"forward", Transpose::No, Transpose::No, out_channels, pixels, rows, 0.0f},
            {"weight_grad", Transpose::No, Transpose::Yes, out_channels, rows, pixels, 1.0f},
            {"input_grad", Transpose::Yes, Transpose::No, rows, pixels, out_channels, 0.0f}};
}

void bare_gemm(benchmark::State& state, nn::ladder::GemmFunction gemm, const GemmProduct& product) {
    set_num_threads(1);
    Generator generator(0);
    // A is [m, k] as stored, or [k, m] when transposed; likewise B.
    const Tensor a = randn({product.m * product.k}, generator), b = randn({product.k * product.n}, generator);
    Tensor c = zeros({product.m * product.n});
    const std::int64_t lda = product.transpose_a == Transpose::Yes ? product.m : product.k;
    const std::int64_t ldb = product.transpose_b == Transpose::Yes ? product.k : product.n;
    for (auto _ : state) {
        gemm(product.transpose_a, product.transpose_b, product.m, product.n, product.k, 1.0f, a.data<float>(), lda,
             b.data<float>(), ldb, product.beta, c.data<float>(), product.n);
        benchmark::DoNotOptimize(c.data<float>());
    }
    const double flops = 2.0 * static_cast<double>(product.m * product.n * product.k);
    state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["%peak"] =
        benchmark::Counter(flops / 1e9 / peak_gflops_per_core * 100.0, benchmark::Counter::kIsIterationInvariantRate);
}

const std::vector<std::pair<std::string, nn::ladder::GemmFunction>> bare_gemms = {{"blocked_gemm", blocked_gemm},
                                                                                   {"openblas_gemm", openblas_gemm}};

std::string gemm_benchmark_name(const std::string& gemm, const GemmProduct& product) {
    return "BM_LadderGemm/" + product.name + "/" + gemm;
}

// --- collecting the results for the table and the chart -----------------------------

struct Result {
    double milliseconds = NAN; // per iteration
    double gflops = NAN;
    double percent_of_peak = NAN;
};

// Prints as usual, and keeps each benchmark's result: its median when run
// with repetitions, else its single run.
class CollectingReporter : public benchmark::ConsoleReporter {
public:
    std::map<std::string, Result> results;

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.error_occurred) continue;
            const bool is_median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            const std::string& name = run.run_name.function_name;
            if (!is_median && (run.run_type == Run::RT_Aggregate || medians_.count(name) != 0)) continue;
            if (is_median) medians_.insert(name);
            Result& result = results[name];
            result.milliseconds = run.GetAdjustedRealTime(); // the benchmarks are registered in ms
            result.gflops = counter(run, "GFLOP/s");
            result.percent_of_peak = counter(run, "%peak");
        }
        ConsoleReporter::ReportRuns(runs);
    }

private:
    std::set<std::string> medians_;

    static double counter(const Run& run, const char* name) {
        const auto found = run.counters.find(name);
        return found == run.counters.end() ? NAN : found->second.value;
    }
};

std::string benchmark_name(const char* pass, const Entry& entry) {
    std::string name = std::string("BM_ConvLadder/") + pass + "/";
    if (entry.rung) return name + std::string(nn::ladder::rung_info(*entry.rung).name);
    return name + "nn_conv2d/threads:" + std::to_string(entry.threads);
}

void print_table(const std::vector<Entry>& entries, const std::map<std::string, Result>& results) {
    auto find = [&](const std::string& name) {
        const auto found = results.find(name);
        return found == results.end() ? Result{} : found->second;
    };
    bool header_printed = false;
    for (const Entry& entry : entries) {
        const Result forward = find(benchmark_name("forward", entry));
        const Result both = find(benchmark_name("forward_backward", entry));
        if (std::isnan(forward.gflops) && std::isnan(both.gflops)) continue; // filtered out
        if (!header_printed) {
            std::printf("\nLayer b (%s, batch %lld); ms scaled to the whole batch; %%peak of %.0f GFLOP/s per core "
                        "in use\n\n",
                        layer.description().c_str(), static_cast<long long>(layer.batch), peak_gflops_per_core);
            std::printf("| rung | threads | forward ms | GFLOP/s | %%peak | fwd+bwd ms | GFLOP/s | %%peak |\n");
            std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            header_printed = true;
        }
        const double scale = static_cast<double>(layer.batch) / static_cast<double>(entry.images);
        std::string label = entry.label;
        if (entry.images != layer.batch) label += " (timed on " + std::to_string(entry.images) + " images)";
        std::printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", label.c_str(), entry.threads,
                    forward.milliseconds * scale, forward.gflops, forward.percent_of_peak, both.milliseconds * scale,
                    both.gflops, both.percent_of_peak);
    }
    header_printed = false;
    for (const GemmProduct& product : layer_products()) {
        for (const auto& [gemm, function] : bare_gemms) {
            const Result result = find(gemm_benchmark_name(gemm, product));
            if (std::isnan(result.gflops)) continue;
            if (!header_printed) {
                std::printf("\nThe bare GEMMs of one image, 1 thread\n\n");
                std::printf("| product | m x n x k | GEMM | ms | GFLOP/s | %%peak |\n");
                std::printf("|---|---|---|---:|---:|---:|\n");
                header_printed = true;
            }
            std::printf("| %s | %lld x %lld x %lld | %s | %.3f | %.1f | %.1f |\n", product.name.c_str(),
                        static_cast<long long>(product.m), static_cast<long long>(product.n),
                        static_cast<long long>(product.k), gemm.c_str(), result.milliseconds, result.gflops,
                        result.percent_of_peak);
        }
    }
}

void write_chart(const std::string& path, const std::vector<Entry>& entries,
                 const std::map<std::string, Result>& results) {
    metrics::BarChart chart;
    chart.title = "Conv ladder, layer b (" + layer.description() + ", batch " + std::to_string(layer.batch) + ")";
    chart.y_label = "GFLOP/s";
    chart.log_y = true;
    chart.width = 820;
    chart.series = {{"forward", {}, ""}, {"forward + backward", {}, ""}};
    for (const Entry& entry : entries) {
        chart.categories.push_back(entry.label);
        for (int pass = 0; pass < 2; ++pass) {
            const auto found = results.find(benchmark_name(pass == 0 ? "forward" : "forward_backward", entry));
            const double gflops = found == results.end() ? NAN : found->second.gflops;
            chart.series[static_cast<std::size_t>(pass)].values.push_back(gflops);
        }
    }
    std::ofstream out(path);
    out << metrics::bar_chart_svg(chart);
    if (!out) throw std::runtime_error("bench_conv_ladder: could not write the chart to " + path);
    std::printf("\nwrote %s\n", path.c_str());
}

} // namespace

int main(int argc, char** argv) {
    // Our own flag, taken out before Google Benchmark sees the arguments.
    std::string svg_path;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
            svg_path = argv[++i];
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    peak_gflops_per_core = measure_peak_gflops();
    std::printf("peak (FMA loop, 1 thread): %.1f GFLOP/s per core\n", peak_gflops_per_core);
    std::printf("OpenBLAS core: %s, OpenBLAS threads: %d, OpenMP threads: %d "
                "(rungs 1-5 and nn::conv2d/threads:1 run on 1 thread, the others on 2)\n",
                blas_core_name(), blas_num_threads(), get_num_threads());
    benchmark::AddCustomContext("peak_gflops_per_core", std::to_string(peak_gflops_per_core));
    benchmark::AddCustomContext("openblas_core", blas_core_name());

    const std::vector<Entry> entries = make_entries();
    for (const Entry& entry : entries) {
        benchmark::RegisterBenchmark(benchmark_name("forward", entry).c_str(), ladder_forward, entry)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(benchmark_name("forward_backward", entry).c_str(), ladder_forward_backward, entry)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
    for (const GemmProduct& product : layer_products()) {
        for (const auto& [gemm, function] : bare_gemms) {
            benchmark::RegisterBenchmark(gemm_benchmark_name(gemm, product).c_str(), bare_gemm, function, product)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
    }
    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_table(entries, reporter.results);
    if (!svg_path.empty()) write_chart(svg_path, entries, reporter.results);
    benchmark::Shutdown();
    return 0;
}
