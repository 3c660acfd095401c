// How fast is Conv2d, and how close to the GEMM it is built on?
//
//   bench_conv2d --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// The layer: 32 -> 64 channels, 3x3, padding 1, on 64 images of 32x32 (a
// typical CIFAR-10 CNN layer), at 1 and 2 threads:
//
//   BM_Conv2d/im2col_openblas/...          forward + backward (dX, dW, db)
//   BM_Conv2dForward/im2col_openblas/...   forward only
//   BM_Sgemm/as_one_gemm/...               the bare SGEMM with the forward's shape,
//                                          [64, 288] @ [288, 64*32*32], no im2col:
//                                          the ceiling the forward is measured against
//   BM_Conv2dForward/direct_loops/...      the seven-loop reference, one image
//
// GFLOP/s counts 2 flops per multiply-add: forward 2*N*C_out*(C_in*9)*H*W, and
// backward twice that (dW and dX are each one GEMM of the forward's size).
// The backward is timed by calling the op's recorded backward closure
// directly, so the numbers are the convolution's, not the autograd engine's
// gradient accumulation.
#include <benchmark/benchmark.h>

#include <cblas.h>

#include <string>
#include <vector>

#include "autograd/node.hpp"
#include "nn/conv2d.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;

namespace {

constexpr std::int64_t batch = 64, in_channels = 32, out_channels = 64, image_size = 32, kernel = 3;
const std::string shape_name = "c_32to64_32x32";

double forward_flops(std::int64_t images) {
    return 2.0 * static_cast<double>(images * out_channels * in_channels * kernel * kernel * image_size * image_size);
}

void set_gflops(benchmark::State& state, double flops_per_iteration) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void conv2d_forward_backward(benchmark::State& state, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const Tensor x = randn({batch, in_channels, image_size, image_size}, generator).requires_grad_();
    nn::Conv2d conv(in_channels, out_channels, kernel, 1, 1, 1, 1, true, generator);
    const Tensor grad_output = randn({batch, out_channels, image_size, image_size}, generator);
    for (auto _ : state) {
        Tensor y = conv(x);
        const std::vector<Tensor> grads = y.grad_fn()->backward(grad_output); // dX, dW, db
        benchmark::DoNotOptimize(grads[0].data<float>());
    }
    set_gflops(state, 3.0 * forward_flops(batch));
}

void conv2d_forward(benchmark::State& state, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const Tensor x = randn({batch, in_channels, image_size, image_size}, generator);
    nn::Conv2d conv(in_channels, out_channels, kernel, 1, 1, 1, 1, true, generator);
    for (auto _ : state) {
        const Tensor y = conv(x);
        benchmark::DoNotOptimize(y.data<float>());
    }
    set_gflops(state, forward_flops(batch));
}

// out [C_out, N*H*W] = weight [C_out, C_in*9] @ columns [C_in*9, N*H*W], BLAS threaded.
void bare_sgemm(benchmark::State& state, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const std::int64_t rows = in_channels * kernel * kernel, columns = batch * image_size * image_size;
    const Tensor weight = randn({out_channels, rows}, generator);
    const Tensor cols = randn({rows, columns}, generator);
    Tensor out = empty({out_channels, columns});
    for (auto _ : state) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(out_channels),
                    static_cast<int>(columns), static_cast<int>(rows), 1.0f, weight.data<float>(),
                    static_cast<int>(rows), cols.data<float>(), static_cast<int>(columns), 0.0f,
                    out.data<float>(), static_cast<int>(columns));
        benchmark::DoNotOptimize(out.data<float>());
    }
    set_gflops(state, forward_flops(batch));
}

void direct_forward_one_image(benchmark::State& state) {
    set_num_threads(1);
    Generator generator(0);
    const Tensor x = randn({1, in_channels, image_size, image_size}, generator);
    nn::Conv2d conv(in_channels, out_channels, kernel, 1, 1, 1, 1, true, generator);
    for (auto _ : state) {
        const Tensor y = nn::detail::conv2d_direct(x, conv.weight.detach(), conv.bias.detach(), 1, 1);
        benchmark::DoNotOptimize(y.data<float>());
    }
    set_gflops(state, forward_flops(1));
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::AddCustomContext("openblas_core", blas_core_name());
    for (int threads : {1, 2}) {
        const std::string suffix = "/" + shape_name + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(("BM_Conv2d/im2col_openblas" + suffix).c_str(), conv2d_forward_backward, threads)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("BM_Conv2dForward/im2col_openblas" + suffix).c_str(), conv2d_forward, threads)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("BM_Sgemm/as_one_gemm" + suffix).c_str(), bare_sgemm, threads)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
    benchmark::RegisterBenchmark(("BM_Conv2dForward/direct_loops/" + shape_name + "_n1/threads:1").c_str(),
                                 direct_forward_one_image)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
