// How fast is Conv2d, and how close to the GEMM it is built on?
//
//   bench_conv2d --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// The layers: 32 -> 64 channels, 3x3, padding 1, on 64 images of 32x32 (an
// early CIFAR-10 CNN layer), and 128 -> 128 on 8x8 (a late one), at 1 and 2
// threads:
//
//   BM_Conv2d/im2col_openblas/...          forward + backward (dX, dW, db)
//   BM_Conv2dForward/im2col_openblas/...   forward only
//   BM_Sgemm/as_one_gemm/...               the bare SGEMM with the forward's shape,
//                                          [C_out, C_in*9] @ [C_in*9, N*H*W], no im2col:
//                                          the ceiling the forward is measured against
//   BM_Conv2dForward/direct_loops/...      the seven-loop reference, one image
//
// GFLOP/s counts 2 flops per multiply-add: forward 2*N*C_out*(C_in*9)*H*W, and
// backward twice that (dW and dX are each one GEMM of the forward's size).
// The backward is timed by calling the op's recorded backward closure
// directly, so the numbers are the convolution's, not the autograd engine's
// gradient accumulation.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "autograd/node.hpp"
#include "nn/conv2d.hpp"
#include "tensor/blas.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

using namespace kindling;

namespace {

// A 3x3, padding-1 convolution layer on a batch of square images.
struct Layer {
    std::string name;
    std::int64_t batch, in_channels, out_channels, image_size;
};
constexpr std::int64_t kernel = 3;

// 2 * multiply-adds of the forward pass.
double forward_flops(const Layer& layer, std::int64_t images) {
    return 2.0 * static_cast<double>(images * layer.out_channels * layer.in_channels * kernel * kernel *
                                     layer.image_size * layer.image_size);
}

void set_gflops(benchmark::State& state, double flops_per_iteration) {
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops_per_iteration / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void conv2d_forward_backward(benchmark::State& state, const Layer& layer, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const Tensor x = randn({layer.batch, layer.in_channels, layer.image_size, layer.image_size}, generator)
                         .requires_grad_();
    nn::Conv2d conv(layer.in_channels, layer.out_channels, kernel, 1, 1, 1, 1, true, generator);
    const Tensor grad_output =
        randn({layer.batch, layer.out_channels, layer.image_size, layer.image_size}, generator);
    for (auto _ : state) {
        Tensor y = conv(x);
        const std::vector<Tensor> grads = y.grad_fn()->backward(grad_output); // dX, dW, db
        benchmark::DoNotOptimize(grads[0].data<float>());
    }
    set_gflops(state, 3.0 * forward_flops(layer, layer.batch));
}

void conv2d_forward(benchmark::State& state, const Layer& layer, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const Tensor x = randn({layer.batch, layer.in_channels, layer.image_size, layer.image_size}, generator);
    nn::Conv2d conv(layer.in_channels, layer.out_channels, kernel, 1, 1, 1, 1, true, generator);
    for (auto _ : state) {
        const Tensor y = conv(x);
        benchmark::DoNotOptimize(y.data<float>());
    }
    set_gflops(state, forward_flops(layer, layer.batch));
}

// out [C_out, N*H*W] = weight [C_out, C_in*9] @ columns [C_in*9, N*H*W], BLAS threaded.
void bare_sgemm(benchmark::State& state, const Layer& layer, int threads) {
    set_num_threads(threads);
    Generator generator(0);
    const std::int64_t rows = layer.in_channels * kernel * kernel;
    const std::int64_t columns = layer.batch * layer.image_size * layer.image_size;
    const Tensor weight = randn({layer.out_channels, rows}, generator);
    const Tensor cols = randn({rows, columns}, generator);
    Tensor out = empty({layer.out_channels, columns});
    for (auto _ : state) {
        blas_gemm(false, false, layer.out_channels, columns, rows, 1.0f, weight.data<float>(), rows,
                  cols.data<float>(), columns, 0.0f, out.data<float>(), columns);
        benchmark::DoNotOptimize(out.data<float>());
    }
    set_gflops(state, forward_flops(layer, layer.batch));
}

void direct_forward_one_image(benchmark::State& state, const Layer& layer) {
    set_num_threads(1);
    Generator generator(0);
    const Tensor x = randn({1, layer.in_channels, layer.image_size, layer.image_size}, generator);
    nn::Conv2d conv(layer.in_channels, layer.out_channels, kernel, 1, 1, 1, 1, true, generator);
    for (auto _ : state) {
        const Tensor y = nn::detail::conv2d_direct(x, conv.weight.detach(), conv.bias.detach(), 1, 1);
        benchmark::DoNotOptimize(y.data<float>());
    }
    set_gflops(state, forward_flops(layer, 1));
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::AddCustomContext("openblas_core", blas_core_name());
    // The layer the issue asks about, and a late layer of a CIFAR CNN whose
    // 8x8 images are batched several to a GEMM.
    const std::vector<Layer> layers = {{"c_32to64_32x32", 64, 32, 64, 32}, {"c_128to128_8x8", 64, 128, 128, 8}};
    for (const Layer& layer : layers) {
        for (int threads : {1, 2}) {
            const std::string suffix = "/" + layer.name + "/threads:" + std::to_string(threads);
            auto add = [&](const std::string& name, auto function) {
                benchmark::RegisterBenchmark(name.c_str(), function, layer, threads)
                    ->Unit(benchmark::kMillisecond)
                    ->UseRealTime();
            };
            add("BM_Conv2d/im2col_openblas" + suffix, conv2d_forward_backward);
            add("BM_Conv2dForward/im2col_openblas" + suffix, conv2d_forward);
            add("BM_Sgemm/as_one_gemm" + suffix, bare_sgemm);
        }
    }
    benchmark::RegisterBenchmark(("BM_Conv2dForward/direct_loops/" + layers[0].name + "_n1/threads:1").c_str(),
                                 direct_forward_one_image, layers[0])
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
