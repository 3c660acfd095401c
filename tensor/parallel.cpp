#include "tensor/parallel.hpp"

#include <cblas.h>
#include <omp.h>

#include <stdexcept>
#include <string>

#include "tensor/blas.hpp"

namespace kindling {

void set_num_threads(int threads) {
    if (threads < 1) throw std::invalid_argument("set_num_threads: expected at least 1, got " + std::to_string(threads));
    omp_set_num_threads(threads);
}

int get_num_threads() { return omp_get_max_threads(); }

const char* blas_core_name() { return openblas_get_corename(); }

int blas_num_threads() {
    use_single_threaded_blas();
    return openblas_get_num_threads();
}

} // namespace kindling
