// How many threads Kindling computes with, and who owns them.
//
// Two libraries could start threads: OpenMP (our own loops, e.g. Conv2d over
// the images of a batch) and OpenBLAS (inside one big GEMM). Two thread pools
// on the same cores get in each other's way: OpenMP's idle threads spin for a
// while after every parallel loop, on the very cores OpenBLAS's threads need
// next. The rule in Kindling: OpenMP owns all the threads. OpenBLAS always
// runs on the thread that calls it; a big matrix product outside any parallel
// loop is split across the OpenMP threads by blas_gemm (tensor/blas.hpp).
#pragma once

#include <cstdint>

namespace kindling {

// An element-wise loop shorter than this runs on one thread: waking a thread
// team costs a few microseconds, about what one core needs for 32K elements.
inline constexpr std::int64_t min_parallel_elements = 1 << 15;

// How many OpenMP threads Kindling's parallel loops (and split matrix
// products) use. Starts from OMP_NUM_THREADS (or the number of cores), like
// PyTorch's torch.set_num_threads.
void set_num_threads(int threads);
int get_num_threads();

// Name of the OpenBLAS kernel set in use ("Haswell", "SkylakeX", ...) and its
// own thread count (always 1 in Kindling), for benchmark reports.
const char* blas_core_name();
int blas_num_threads();

} // namespace kindling
