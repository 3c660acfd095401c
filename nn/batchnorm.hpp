// Batch normalization: normalise each channel over the batch, then let the
// network rescale it.
//
//   x: [N, C] or [N, C, L] (BatchNorm1d), [N, C, H, W] (BatchNorm2d)
//   for each channel c, over the M = N * L (or N * H * W) values of c:
//     mean_c = sum x / M     var_c = sum (x - mean_c)^2 / M      (biased)
//     x_hat  = (x - mean_c) / sqrt(var_c + eps)
//     y      = weight_c * x_hat + bias_c                            (affine)
//
// Training uses the batch's statistics and updates the running estimates
//   running_mean = (1 - momentum) running_mean + momentum mean_c
//   running_var  = (1 - momentum) running_var  + momentum var_c * M / (M - 1)
// (the running variance takes the UNBIASED variance, like PyTorch); evaluation
// normalises with the running estimates instead. With momentum = nullopt the
// running statistics are a plain average over all batches seen
// (num_batches_tracked counts them).
//
// One fused kernel per direction (batchnorm.cpp). The training backward, with
// g = dL/dy and sums over the M values of a channel:
//   dbias_c   = sum g
//   dweight_c = sum g x_hat
//   dx        = weight_c / (M sqrt(var_c + eps)) * (M g - sum g - x_hat sum g x_hat)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "nn/module.hpp"

namespace kindling::nn {

namespace functional {

// `running_mean`/`running_var` [C] may be undefined (then training must be
// true); when defined and training, they are updated in place.
// `weight`/`bias` [C] may be undefined (no affine step).
Tensor batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double momentum = 0.1, double eps = 1e-5);

} // namespace functional

// The shared implementation; BatchNorm1d and BatchNorm2d differ only in the
// input ranks they accept.
class BatchNorm : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string extra_repr() const override;

    std::int64_t num_features;
    double eps;
    std::optional<double> momentum;
    bool affine;
    bool track_running_stats;
    Tensor weight;              // [C], ones at first; undefined unless affine
    Tensor bias;                // [C], zeros at first; undefined unless affine
    Tensor running_mean;        // [C] buffer, zeros at first; undefined unless track_running_stats
    Tensor running_var;         // [C] buffer, ones at first
    Tensor num_batches_tracked; // int64 scalar buffer

protected:
    BatchNorm(std::int64_t num_features, double eps, std::optional<double> momentum, bool affine,
              bool track_running_stats);
    virtual void check_input_rank(const Tensor& input) const = 0;
};

class BatchNorm1d : public BatchNorm {
public:
    explicit BatchNorm1d(std::int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                         bool affine = true, bool track_running_stats = true)
        : BatchNorm(num_features, eps, momentum, affine, track_running_stats) {}
    std::string type_name() const override { return "BatchNorm1d"; }

protected:
    void check_input_rank(const Tensor& input) const override;
};

class BatchNorm2d : public BatchNorm {
public:
    explicit BatchNorm2d(std::int64_t num_features, double eps = 1e-5, std::optional<double> momentum = 0.1,
                         bool affine = true, bool track_running_stats = true)
        : BatchNorm(num_features, eps, momentum, affine, track_running_stats) {}
    std::string type_name() const override { return "BatchNorm2d"; }

protected:
    void check_input_rank(const Tensor& input) const override;
};

} // namespace kindling::nn
