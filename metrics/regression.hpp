// Regression and reconstruction errors, streamed over batches.
//
//   MSE  = mean (prediction - target)^2     punishes large errors most
//   RMSE = sqrt(MSE)                        in the targets' own unit
//   MAE  = mean |prediction - target|       robust to a few outliers
//   PSNR = 10 log10(data_range^2 / MSE)     in decibels, for images: higher is
//                                           better; data_range is the span of
//                                           valid pixel values (1 or 255)
// Every element counts once, so batches of different sizes combine exactly.
#pragma once

#include <cstdint>

#include "tensor/tensor.hpp"

namespace kindling::metrics {

// The running sums the four metrics share.
class ErrorSums {
public:
    // predictions and targets: float tensors of the same shape.
    void update(const Tensor& predictions, const Tensor& targets, const char* op);
    void reset();
    double mean_squared_error(const char* op) const;
    double mean_absolute_error(const char* op) const;
    std::int64_t count() const { return count_; }

private:
    double squared_error_sum_ = 0.0;
    double absolute_error_sum_ = 0.0;
    std::int64_t count_ = 0;
};

class MeanSquaredError {
public:
    void update(const Tensor& predictions, const Tensor& targets) { sums_.update(predictions, targets, "MeanSquaredError.update"); }
    void reset() { sums_.reset(); }
    double compute() const { return sums_.mean_squared_error("MeanSquaredError.compute"); }

private:
    ErrorSums sums_;
};

class RootMeanSquaredError {
public:
    void update(const Tensor& predictions, const Tensor& targets) { sums_.update(predictions, targets, "RootMeanSquaredError.update"); }
    void reset() { sums_.reset(); }
    double compute() const;

private:
    ErrorSums sums_;
};

class MeanAbsoluteError {
public:
    void update(const Tensor& predictions, const Tensor& targets) { sums_.update(predictions, targets, "MeanAbsoluteError.update"); }
    void reset() { sums_.reset(); }
    double compute() const { return sums_.mean_absolute_error("MeanAbsoluteError.compute"); }

private:
    ErrorSums sums_;
};

// Peak signal-to-noise ratio; +infinity for a perfect reconstruction (MSE 0).
class PSNR {
public:
    explicit PSNR(double data_range = 1.0);
    void update(const Tensor& predictions, const Tensor& targets) { sums_.update(predictions, targets, "PSNR.update"); }
    void reset() { sums_.reset(); }
    double compute() const;

private:
    double data_range_;
    ErrorSums sums_;
};

} // namespace kindling::metrics
