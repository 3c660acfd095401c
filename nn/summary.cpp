#include "nn/summary.hpp"

#include <cstdio>
#include <string>

#include "autograd/grad_mode.hpp"
#include "nn/sequential.hpp"

namespace kindling::nn {

namespace {

// Feeds x through `module`, adding a row per layer; returns the output.
Tensor run_and_record(Module& module, const std::string& name, const Tensor& x, std::vector<SummaryRow>& rows) {
    if (auto* sequential = dynamic_cast<Sequential*>(&module)) {
        Tensor output = x;
        for (const auto& [child_name, child] : sequential->named_children()) {
            output = run_and_record(*child, name.empty() ? child_name : name + "." + child_name, output, rows);
        }
        return output;
    }
    Tensor output = module.forward(x);
    rows.push_back({module.type_name() + "-" + std::to_string(rows.size() + 1), name, output.shape(),
                    module.parameter_count()});
    return output;
}

// 101770 -> "101,770", as torchsummary prints counts.
std::string with_thousands(std::int64_t value) {
    const std::string digits = std::to_string(value);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const std::size_t remaining = digits.size() - i;
        if (i > 0 && remaining % 3 == 0 && digits[i - 1] != '-') grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

// [2, 128] -> "[-1, 128]"
std::string batchless_shape(const Shape& shape) {
    std::string text = "[";
    for (std::size_t d = 0; d < shape.size(); ++d) {
        text += d == 0 ? "-1" : ", " + std::to_string(shape[d]);
    }
    return text + "]";
}

std::string format_row(const std::string& layer, const std::string& shape, const std::string& count) {
    char line[128];
    std::snprintf(line, sizeof line, "%25s %25s %15s\n", layer.c_str(), shape.c_str(), count.c_str());
    return line;
}

std::string megabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", bytes / (1024.0 * 1024.0));
    return text;
}

std::int64_t per_sample(const Shape& shape) {
    std::int64_t count = 1;
    for (std::size_t d = 1; d < shape.size(); ++d) count *= shape[d];
    return count;
}

} // namespace

Summary summary(Module& model, const Shape& input_shape, DType dtype, std::int64_t batch_size) {
    Summary result;
    result.input_shape = input_shape;
    result.input_shape.insert(result.input_shape.begin(), batch_size);
    result.bytes_per_element = dtype_size(dtype);

    const bool was_training = model.is_training();
    model.eval();
    try {
        autograd::NoGradGuard no_grad;
        run_and_record(model, "", zeros(result.input_shape, dtype), result.rows);
    } catch (...) {
        model.train(was_training);
        throw;
    }
    model.train(was_training);

    for (const Tensor& parameter : model.parameters()) {
        result.total_parameters += parameter.numel();
        if (parameter.requires_grad()) result.trainable_parameters += parameter.numel();
    }
    return result;
}

std::string Summary::to_string() const {
    const std::string rule(79, '-');
    const std::string double_rule(79, '=');
    std::string out = rule + "\n" + format_row("Layer (type)", "Output Shape", "Param #") + double_rule + "\n";
    std::int64_t activations_per_sample = 0;
    for (const SummaryRow& row : rows) {
        out += format_row(row.layer, batchless_shape(row.output_shape), with_thousands(row.parameters));
        activations_per_sample += per_sample(row.output_shape);
    }
    // Sizes per sample, like torchsummary; outputs count twice (values and their gradients).
    const double bytes = static_cast<double>(bytes_per_element);
    const double input_bytes = static_cast<double>(per_sample(input_shape)) * bytes;
    const double activation_bytes = 2.0 * static_cast<double>(activations_per_sample) * bytes;
    const double parameter_bytes = static_cast<double>(total_parameters) * bytes;
    out += double_rule + "\n";
    out += "Total params: " + with_thousands(total_parameters) + "\n";
    out += "Trainable params: " + with_thousands(trainable_parameters) + "\n";
    out += "Non-trainable params: " + with_thousands(total_parameters - trainable_parameters) + "\n";
    out += rule + "\n";
    out += "Input size (MB): " + megabytes(input_bytes) + "\n";
    out += "Forward/backward pass size (MB): " + megabytes(activation_bytes) + "\n";
    out += "Params size (MB): " + megabytes(parameter_bytes) + "\n";
    out += "Estimated Total Size (MB): " + megabytes(input_bytes + activation_bytes + parameter_bytes) + "\n";
    out += rule + "\n";
    return out;
}

} // namespace kindling::nn
