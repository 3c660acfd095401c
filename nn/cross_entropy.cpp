#include "nn/cross_entropy.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/node.hpp"
#include "tensor/shape.hpp"

namespace kindling::nn::functional {

namespace {

// The input as rows of class scores, whatever its layout:
//   [C] -> [1, C]      [N, C] -> [N, C]      [N, C, d1, ...] -> [N*d1*..., C] (classes moved last)
// The reshapes are differentiable views, so the kernel's gradient flows back
// to the original layout.
struct ClassRows {
    Tensor scores;    // [R, C]
    Tensor targets;   // [R] int64, contiguous
    Shape loss_shape; // the target's shape: what reduction None returns
};

ClassRows as_class_rows(const Tensor& input, const Tensor& target, const char* op) {
    if (input.dim() == 0) {
        throw std::invalid_argument(std::string(op) + ": input must have a class dimension, got a scalar");
    }
    if (target.dtype() != DType::Int64) {
        throw std::invalid_argument(std::string(op) + ": target must hold int64 class indices, got " +
                                    dtype_name(target.dtype()) + " " + shape_to_string(target.shape()));
    }
    Shape expected_target = input.shape();
    expected_target.erase(expected_target.begin() + (input.dim() == 1 ? 0 : 1)); // drop the class dim
    if (target.shape() != expected_target) {
        throw std::invalid_argument(std::string(op) + ": input " + shape_to_string(input.shape()) +
                                    " needs a target of shape " + shape_to_string(expected_target) + ", got " +
                                    shape_to_string(target.shape()));
    }
    const std::int64_t classes = input.dim() == 1 ? input.size(0) : input.size(1);
    if (classes == 0) {
        throw std::invalid_argument(std::string(op) + ": input " + shape_to_string(input.shape()) + " has no classes");
    }
    Tensor scores;
    if (input.dim() == 1) {
        scores = input.unsqueeze(0);
    } else if (input.dim() == 2) {
        scores = input;
    } else {
        std::vector<std::int64_t> classes_last{0};
        for (std::int64_t d = 2; d < input.dim(); ++d) classes_last.push_back(d);
        classes_last.push_back(1);
        scores = input.permute(classes_last).reshape({-1, classes});
    }
    return {scores, target.reshape({-1}).contiguous(), expected_target};
}

void check_class_weight(const Tensor& weight, std::int64_t classes, DType dtype, const char* op) {
    if (!weight.defined()) return;
    if (weight.dim() != 1 || weight.size(0) != classes || weight.dtype() != dtype) {
        throw std::invalid_argument(std::string(op) + ": weight must be " + dtype_name(dtype) + " [" +
                                    std::to_string(classes) + "] (one per class), got " + dtype_name(weight.dtype()) +
                                    " " + shape_to_string(weight.shape()));
    }
}

// "index 3" for a flat target, "index [1, 2, 0]" for a spatial one.
std::string describe_index(std::int64_t flat, const Shape& shape) {
    if (shape.size() <= 1) return "index " + std::to_string(flat);
    Shape index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = flat % shape[d];
        flat /= shape[d];
    }
    return "index " + shape_to_string(index);
}

// Validates every target and returns each row's class weight w_t (0 for an
// ignored row) — the denominator terms of the weighted mean.
std::vector<double> target_weights(const ClassRows& rows, const Tensor& weight, std::int64_t ignore_index,
                                   const char* op) {
    const std::int64_t classes = rows.scores.size(1);
    const std::int64_t* targets = rows.targets.data<std::int64_t>();
    const Tensor class_weight = weight.defined() ? weight.to(DType::Float64).contiguous() : Tensor();
    std::vector<double> result(static_cast<std::size_t>(rows.targets.numel()));
    for (std::size_t i = 0; i < result.size(); ++i) {
        const std::int64_t t = targets[i];
        if (t == ignore_index) continue;
        if (t < 0 || t >= classes) {
            throw std::out_of_range(std::string(op) + ": target " + std::to_string(t) + " at " +
                                    describe_index(static_cast<std::int64_t>(i), rows.loss_shape) +
                                    " is out of range for " + std::to_string(classes) + " classes (expected 0.." +
                                    std::to_string(classes - 1) + " or ignore_index " + std::to_string(ignore_index) +
                                    ")");
        }
        result[i] = class_weight.defined() ? class_weight.data<double>()[t] : 1.0;
    }
    return result;
}

// The loss tensor from per-row losses: [R] for None (reshaped by the caller),
// else a scalar sum, or the sum over the total weight for Mean.
Tensor reduce_rows(const std::vector<double>& row_losses, Reduction reduction, double total_weight, DType dtype) {
    if (reduction == Reduction::None) {
        Tensor out = empty({static_cast<std::int64_t>(row_losses.size())}, dtype);
        visit_floating(dtype, "loss", [&]<typename T>() {
            T* values = out.data<T>();
            for (std::size_t i = 0; i < row_losses.size(); ++i) values[i] = static_cast<T>(row_losses[i]);
        });
        return out;
    }
    const double total = std::accumulate(row_losses.begin(), row_losses.end(), 0.0);
    return scalar_tensor(reduction == Reduction::Sum ? total : total / total_weight, dtype);
}

// d(result)/d(loss of row i) times the upstream gradient: g_i for None, g for
// Sum, g / total weight for Mean.
std::vector<double> row_scales(const Tensor& grad_output, Reduction reduction, double total_weight, std::size_t rows) {
    if (reduction == Reduction::None) return grad_output.contiguous().to_vector<double>();
    const double g = grad_output.item();
    return std::vector<double>(rows, reduction == Reduction::Sum ? g : g / total_weight);
}

} // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& options) {
    const ClassRows rows = as_class_rows(logits, target, "cross_entropy");
    const std::int64_t row_count = rows.scores.size(0);
    const std::int64_t classes = rows.scores.size(1);
    check_class_weight(options.weight, classes, logits.dtype(), "cross_entropy");
    const double smoothing = options.label_smoothing;
    if (!(smoothing >= 0.0 && smoothing <= 1.0)) {
        throw std::invalid_argument("cross_entropy: label_smoothing must be in [0, 1], got " + std::to_string(smoothing));
    }
    const std::vector<double> weight_of_target = target_weights(rows, options.weight, options.ignore_index, "cross_entropy");
    const double total_weight = std::accumulate(weight_of_target.begin(), weight_of_target.end(), 0.0);
    const std::vector<double> class_weight = options.weight.defined()
                                                 ? options.weight.to_vector<double>()
                                                 : std::vector<double>(static_cast<std::size_t>(classes), 1.0);
    const double class_weight_sum = std::accumulate(class_weight.begin(), class_weight.end(), 0.0);
    const std::int64_t* targets = rows.targets.data<std::int64_t>();
    const auto is_ignored = [targets, ignore = options.ignore_index](std::int64_t i) { return targets[i] == ignore; };

    // Forward, row by row: p = e^(x - max) / sum e^(x - max) is kept for the backward, and
    // logp = x - max - log sum e^(x - max) feeds the smoothed, weighted loss.
    const Tensor scores = rows.scores.detach().contiguous();
    Tensor probabilities = empty({row_count, classes}, logits.dtype());
    std::vector<double> row_losses(static_cast<std::size_t>(row_count), 0.0);
    visit_floating(logits.dtype(), "cross_entropy", [&]<typename T>() {
        const T* x = scores.data<T>();
        T* p = probabilities.data<T>();
        for (std::int64_t i = 0; i < row_count; ++i) {
            const T* row = x + i * classes;
            T* probability_row = p + i * classes;
            T max_score = row[0];
            for (std::int64_t c = 1; c < classes; ++c) max_score = std::max(max_score, row[c]);
            T exp_total = 0;
            for (std::int64_t c = 0; c < classes; ++c) {
                probability_row[c] = std::exp(row[c] - max_score);
                exp_total += probability_row[c];
            }
            const T inverse_total = T(1) / exp_total;
            for (std::int64_t c = 0; c < classes; ++c) probability_row[c] *= inverse_total;
            if (is_ignored(i)) continue;
            const T log_total = std::log(exp_total);
            const auto log_probability = [&](std::int64_t c) { return double(row[c] - max_score - log_total); };
            double smoothed = 0;
            if (smoothing > 0) {
                for (std::int64_t c = 0; c < classes; ++c) smoothed += class_weight[c] * log_probability(c);
            }
            row_losses[i] = -(1.0 - smoothing) * weight_of_target[i] * log_probability(targets[i]) -
                            smoothing / static_cast<double>(classes) * smoothed;
        }
    });
    Tensor out = reduce_rows(row_losses, options.reduction, total_weight, logits.dtype());

    // Backward: dx_c = s * (p_c A - a_c) with s the row's scale (row_scales), see cross_entropy.hpp.
    autograd::record(
        "cross_entropy", out, {rows.scores},
        [probabilities, targets_tensor = rows.targets, class_weight, class_weight_sum, weight_of_target,
         total_weight, smoothing, ignore_index = options.ignore_index,
         reduction = options.reduction](const Tensor& grad_output) {
            const std::int64_t row_count = probabilities.size(0);
            const std::int64_t classes = probabilities.size(1);
            const std::vector<double> scale = row_scales(grad_output, reduction, total_weight, row_count);
            const std::int64_t* targets = targets_tensor.data<std::int64_t>();
            const double smoothing_per_class = smoothing / static_cast<double>(classes);
            Tensor dx = zeros({row_count, classes}, probabilities.dtype());
            visit_floating(dx.dtype(), "cross_entropy_backward", [&]<typename T>() {
                const T* p = probabilities.data<T>();
                T* grad = dx.data<T>();
                for (std::int64_t i = 0; i < row_count; ++i) {
                    if (targets[i] == ignore_index) continue;
                    // a_c = smoothing_share_c + [c == t] target_coefficient;  A = sum_c a_c
                    const double target_coefficient = (1.0 - smoothing) * weight_of_target[i];
                    const T row_scale = static_cast<T>(scale[i]);
                    const T coefficient_sum = static_cast<T>(target_coefficient + smoothing_per_class * class_weight_sum);
                    for (std::int64_t c = 0; c < classes; ++c) {
                        const T smoothing_share = static_cast<T>(smoothing_per_class * class_weight[c]);
                        grad[i * classes + c] = row_scale * (p[i * classes + c] * coefficient_sum - smoothing_share);
                    }
                    grad[i * classes + targets[i]] -= row_scale * static_cast<T>(target_coefficient);
                }
            });
            return std::vector<Tensor>{dx};
        });
    return options.reduction == Reduction::None ? out.reshape(rows.loss_shape) : out;
}

// loss_i = -w_t x_t;   dx_t = -w_t s_i, every other class 0
Tensor nll_loss(const Tensor& log_probabilities, const Tensor& target, const NLLLossOptions& options) {
    const ClassRows rows = as_class_rows(log_probabilities, target, "nll_loss");
    const std::int64_t classes = rows.scores.size(1);
    check_class_weight(options.weight, classes, log_probabilities.dtype(), "nll_loss");
    const std::vector<double> weight_of_target = target_weights(rows, options.weight, options.ignore_index, "nll_loss");
    const double total_weight = std::accumulate(weight_of_target.begin(), weight_of_target.end(), 0.0);
    const std::vector<std::int64_t> targets = rows.targets.to_vector<std::int64_t>();

    const Tensor scores = rows.scores.detach().contiguous();
    std::vector<double> row_losses(targets.size(), 0.0);
    visit_floating(log_probabilities.dtype(), "nll_loss", [&]<typename T>() {
        const T* x = scores.data<T>();
        for (std::size_t i = 0; i < targets.size(); ++i) {
            if (targets[i] != options.ignore_index) {
                row_losses[i] = -weight_of_target[i] * x[static_cast<std::int64_t>(i) * classes + targets[i]];
            }
        }
    });
    Tensor out = reduce_rows(row_losses, options.reduction, total_weight, log_probabilities.dtype());

    autograd::record("nll_loss", out, {rows.scores},
                     [shape = scores.shape(), dtype = scores.dtype(), targets, weight_of_target, total_weight,
                      ignore_index = options.ignore_index, reduction = options.reduction](const Tensor& grad_output) {
                         const std::vector<double> scale = row_scales(grad_output, reduction, total_weight, targets.size());
                         Tensor dx = zeros(shape, dtype);
                         visit_floating(dtype, "nll_loss_backward", [&]<typename T>() {
                             T* grad = dx.data<T>();
                             for (std::size_t i = 0; i < targets.size(); ++i) {
                                 if (targets[i] == ignore_index) continue;
                                 grad[static_cast<std::int64_t>(i) * shape[1] + targets[i]] =
                                     static_cast<T>(-weight_of_target[i] * scale[i]);
                             }
                         });
                         return std::vector<Tensor>{dx};
                     });
    return options.reduction == Reduction::None ? out.reshape(rows.loss_shape) : out;
}

} // namespace kindling::nn::functional
