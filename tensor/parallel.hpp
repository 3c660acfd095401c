// How many threads Kindling computes with, and who owns them.
//
// Two libraries could start threads: OpenMP (our own loops, e.g. Conv2d over
// the images of a batch) and OpenBLAS (inside one big GEMM). Running both at
// once puts threads x threads workers on the cores and everything slows down
// (oversubscription). The rule in Kindling: an OpenMP-parallel loop that calls
// BLAS is wrapped in a SingleThreadedBlas scope (opened before the
// `#pragma omp parallel`, never inside it); a lone big GEMM outside such loops
// may let BLAS use all threads.
#pragma once

#include <cstdint>

namespace kindling {

// An element-wise loop shorter than this runs on one thread: waking a thread
// team costs a few microseconds, about what one core needs for 32K elements.
inline constexpr std::int64_t min_parallel_elements = 1 << 15;

// The thread count for both OpenMP and OpenBLAS. Starts from OMP_NUM_THREADS
// (or the number of cores) like PyTorch's torch.set_num_threads.
void set_num_threads(int threads);
int get_num_threads();

// Name of the OpenBLAS kernel set in use ("Haswell", "SkylakeX", ...) and its
// current thread count, for benchmark reports.
const char* blas_core_name();
int blas_num_threads();

// Within this scope OpenBLAS runs on the calling thread only.
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int previous_;
};

} // namespace kindling
