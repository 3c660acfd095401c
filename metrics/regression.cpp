#include "metrics/regression.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace kindling::metrics {

void ErrorSums::update(const Tensor& predictions, const Tensor& targets, const char* op) {
    if (predictions.shape() != targets.shape() || !is_floating(predictions.dtype()) || !is_floating(targets.dtype())) {
        throw std::invalid_argument(std::string(op) + ": expected float predictions and targets of the same shape, got " +
                                    dtype_name(predictions.dtype()) + " " + shape_to_string(predictions.shape()) +
                                    " and " + dtype_name(targets.dtype()) + " " + shape_to_string(targets.shape()));
    }
    const std::vector<double> predicted = predictions.to_vector<double>();
    const std::vector<double> actual = targets.to_vector<double>();
    for (std::size_t i = 0; i < predicted.size(); ++i) {
        const double error = predicted[i] - actual[i];
        squared_error_sum_ += error * error;
        absolute_error_sum_ += std::abs(error);
    }
    count_ += static_cast<std::int64_t>(predicted.size());
}

void ErrorSums::reset() {
    squared_error_sum_ = 0.0;
    absolute_error_sum_ = 0.0;
    count_ = 0;
}

double ErrorSums::mean_squared_error(const char* op) const {
    if (count_ == 0) throw std::logic_error(std::string(op) + ": no elements seen since the last reset()");
    return squared_error_sum_ / static_cast<double>(count_);
}

double ErrorSums::mean_absolute_error(const char* op) const {
    if (count_ == 0) throw std::logic_error(std::string(op) + ": no elements seen since the last reset()");
    return absolute_error_sum_ / static_cast<double>(count_);
}

double RootMeanSquaredError::compute() const {
    return std::sqrt(sums_.mean_squared_error("RootMeanSquaredError.compute"));
}

PSNR::PSNR(double data_range) : data_range_(data_range) {
    if (!(data_range > 0.0)) throw std::invalid_argument("PSNR: data_range must be > 0, got " + std::to_string(data_range));
}

double PSNR::compute() const {
    const double mse = sums_.mean_squared_error("PSNR.compute");
    if (mse == 0.0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(data_range_ * data_range_ / mse);
}

} // namespace kindling::metrics
