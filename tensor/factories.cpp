// Creating tensors: constant fills, ranges, copies of C++ data, and random
// numbers drawn from an explicit Generator.
#include <cmath>
#include <stdexcept>

#include "tensor/generator.hpp"
#include "tensor/tensor.hpp"

namespace kindling {

Tensor empty(const Shape& shape, DType dtype) {
    check_sizes_non_negative(shape, "empty");
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = std::make_shared<Storage>(static_cast<std::size_t>(shape_numel(shape)) * dtype_size(dtype));
    impl->shape = shape;
    impl->strides = contiguous_strides(shape);
    impl->dtype = dtype;
    return Tensor(std::move(impl));
}

Tensor full(const Shape& shape, double value, DType dtype) {
    check_sizes_non_negative(shape, "full");
    Tensor result = empty(shape, dtype);
    visit_dtype(dtype, [&]<typename T>() {
        T* destination = result.data<T>();
        const std::int64_t count = result.numel();
        for (std::int64_t i = 0; i < count; ++i) destination[i] = static_cast<T>(value);
    });
    return result;
}

Tensor zeros(const Shape& shape, DType dtype) { return full(shape, 0.0, dtype); }
Tensor ones(const Shape& shape, DType dtype) { return full(shape, 1.0, dtype); }
Tensor zeros_like(const Tensor& like) { return zeros(like.shape(), like.dtype()); }
Tensor ones_like(const Tensor& like) { return ones(like.shape(), like.dtype()); }
Tensor full_like(const Tensor& like, double value) { return full(like.shape(), value, like.dtype()); }
Tensor scalar_tensor(double value, DType dtype) { return full({}, value, dtype); }

Tensor arange(double start, double end, double step, DType dtype) {
    if (step == 0.0) throw std::invalid_argument("arange: step must be non-zero");
    const double span = (end - start) / step;
    const auto count = static_cast<std::int64_t>(std::max(0.0, std::ceil(span)));
    Tensor result = empty({count}, dtype);
    visit_dtype(dtype, [&]<typename T>() {
        T* destination = result.data<T>();
        for (std::int64_t i = 0; i < count; ++i) destination[i] = static_cast<T>(start + static_cast<double>(i) * step);
    });
    return result;
}

Tensor arange(std::int64_t end, DType dtype) { return arange(0.0, static_cast<double>(end), 1.0, dtype); }

namespace {

template <typename T> Tensor from_values(const std::vector<T>& values, const Shape& requested) {
    const Shape shape = requested.empty() ? Shape{static_cast<std::int64_t>(values.size())} : requested;
    check_sizes_non_negative(shape, "from_vector");
    if (shape_numel(shape) != static_cast<std::int64_t>(values.size())) {
        throw std::invalid_argument("from_vector: " + std::to_string(values.size()) +
                                    " values cannot fill shape " + shape_to_string(shape));
    }
    Tensor result = empty(shape, dtype_of<T>());
    std::copy(values.begin(), values.end(), result.data<T>());
    return result;
}

} // namespace

Tensor from_vector(const std::vector<float>& values, const Shape& shape) { return from_values(values, shape); }
Tensor from_vector(const std::vector<double>& values, const Shape& shape) { return from_values(values, shape); }
Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape) { return from_values(values, shape); }

Tensor tensor(std::initializer_list<double> values, DType dtype) {
    return from_vector(std::vector<double>(values)).to(dtype);
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, DType dtype) {
    std::vector<double> values;
    const std::size_t width = rows.size() == 0 ? 0 : rows.begin()->size();
    for (const auto& row : rows) {
        if (row.size() != width) {
            throw std::invalid_argument("tensor: rows have different lengths (" + std::to_string(width) + " and " +
                                        std::to_string(row.size()) + ")");
        }
        values.insert(values.end(), row.begin(), row.end());
    }
    const Shape shape{static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(width)};
    return from_vector(values, shape).to(dtype);
}

// --- random -------------------------------------------------------------------

Generator& default_generator() {
    static Generator generator(0);
    return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

Tensor& uniform_(Tensor& tensor, double low, double high, Generator& generator) {
    // Draw in row-major order into a contiguous buffer, then copy: the numbers a
    // seed produces never depend on the tensor's memory layout.
    Tensor values = empty(tensor.shape(), tensor.dtype());
    visit_floating(tensor.dtype(), "uniform_", [&]<typename T>() {
        T* destination = values.data<T>();
        for (std::int64_t i = 0; i < values.numel(); ++i) {
            destination[i] = static_cast<T>(low + (high - low) * generator.uniform());
        }
    });
    return tensor.copy_(values);
}

Tensor& normal_(Tensor& tensor, double mean, double std, Generator& generator) {
    Tensor values = empty(tensor.shape(), tensor.dtype());
    visit_floating(tensor.dtype(), "normal_", [&]<typename T>() {
        T* destination = values.data<T>();
        for (std::int64_t i = 0; i < values.numel(); ++i) destination[i] = static_cast<T>(mean + std * generator.normal());
    });
    return tensor.copy_(values);
}

Tensor rand(const Shape& shape, Generator& generator, DType dtype) {
    Tensor result = empty(shape, dtype);
    return uniform_(result, 0.0, 1.0, generator);
}

Tensor randn(const Shape& shape, Generator& generator, DType dtype) {
    Tensor result = empty(shape, dtype);
    return normal_(result, 0.0, 1.0, generator);
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& generator, DType dtype) {
    if (high <= low) {
        throw std::invalid_argument("randint: expected low < high, got low " + std::to_string(low) + " and high " +
                                    std::to_string(high));
    }
    Tensor result = empty(shape, dtype);
    visit_dtype(dtype, [&]<typename T>() {
        T* destination = result.data<T>();
        for (std::int64_t i = 0; i < result.numel(); ++i) destination[i] = static_cast<T>(generator.integer(low, high));
    });
    return result;
}

Tensor randperm(std::int64_t n, Generator& generator) {
    if (n < 0) throw std::invalid_argument("randperm: n must be non-negative, got " + std::to_string(n));
    Tensor result = arange(n, DType::Int64);
    std::int64_t* values = result.data<std::int64_t>();
    // Fisher–Yates: swap each position with a uniformly chosen earlier-or-same one.
    for (std::int64_t i = n - 1; i > 0; --i) std::swap(values[i], values[generator.integer(0, i + 1)]);
    return result;
}

} // namespace kindling
