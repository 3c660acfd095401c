// The element types a Kindling tensor can hold, chosen at run time.
//
// float32 is what models train in; float64 is what gradcheck uses, because
// finite differences in single precision drown in rounding error; int64 holds
// class labels and the indices returned by argmax/max.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kindling {

enum class DType { Float32, Float64, Int64 };

inline const char* dtype_name(DType dtype) {
    switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int64: return "int64";
    }
    return "unknown";
}

inline std::size_t dtype_size(DType dtype) {
    return dtype == DType::Float32 ? 4 : 8;
}

inline bool is_floating(DType dtype) { return dtype != DType::Int64; }

// Maps a C++ type to its DType: dtype_of<float> == DType::Float32.
template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::Int64; }

// Kernels are written once as templates and instantiated per dtype here:
//   visit_dtype(t.dtype(), [&]<typename T>() { ... T* p = t.data<T>(); ... });
template <typename Function>
decltype(auto) visit_dtype(DType dtype, Function&& function) {
    switch (dtype) {
    case DType::Float32: return function.template operator()<float>();
    case DType::Float64: return function.template operator()<double>();
    case DType::Int64: return function.template operator()<std::int64_t>();
    }
    throw std::logic_error("visit_dtype: unknown dtype");
}

// The same for ops that only make sense on real numbers (exp, log, matmul...).
template <typename Function>
decltype(auto) visit_floating(DType dtype, const char* op, Function&& function) {
    switch (dtype) {
    case DType::Float32: return function.template operator()<float>();
    case DType::Float64: return function.template operator()<double>();
    case DType::Int64: break;
    }
    throw std::invalid_argument(std::string(op) + ": expected a float32 or float64 tensor, got " +
                                dtype_name(dtype));
}

} // namespace kindling
