#include "nn/optimizer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace kindling::nn {

Optimizer::Optimizer(std::vector<Tensor> parameters, double learning_rate, const std::string& type)
    : parameters_(std::move(parameters)), learning_rate_(learning_rate) {
    if (!(learning_rate >= 0.0)) {
        throw std::invalid_argument(type + ": learning rate must be >= 0, got " + metadata_number(learning_rate));
    }
    for (std::size_t index = 0; index < parameters_.size(); ++index) {
        const Tensor& parameter = parameters_[index];
        if (!parameter.defined() || !is_floating(parameter.dtype())) {
            throw std::invalid_argument(type + ": parameter " + std::to_string(index) +
                                        " must be a defined float32/float64 tensor");
        }
        for (std::size_t earlier = 0; earlier < index; ++earlier) {
            if (parameters_[earlier].impl_ptr() == parameter.impl_ptr()) {
                throw std::invalid_argument(type + ": parameters " + std::to_string(earlier) + " and " +
                                            std::to_string(index) + " are the same tensor; it would be updated twice");
            }
        }
        // The update loops walk data<T>() linearly.
        if (!parameter.is_contiguous()) {
            throw std::invalid_argument(type + ": parameter " + std::to_string(index) + " of shape " +
                                        shape_to_string(parameter.shape()) +
                                        " is a non-contiguous view; pass the tensor that owns the data");
        }
    }
}

void Optimizer::zero_grad() {
    for (Tensor& parameter : parameters_) parameter.zero_grad();
}

void Optimizer::set_lr(double learning_rate) {
    if (!(learning_rate >= 0.0)) {
        throw std::invalid_argument(type_name() + ".set_lr: learning rate must be >= 0, got " +
                                    metadata_number(learning_rate));
    }
    learning_rate_ = learning_rate;
}

double Optimizer::initial_lr() const { return initial_learning_rate_.value_or(learning_rate_); }

void Optimizer::set_initial_lr(double learning_rate) { initial_learning_rate_ = learning_rate; }

Tensor Optimizer::contiguous_grad(std::size_t index) const {
    const Tensor& parameter = parameters_[index];
    const Tensor grad = parameter.grad();
    if (!grad.defined()) return grad;
    if (grad.shape() != parameter.shape() || grad.dtype() != parameter.dtype()) {
        throw std::invalid_argument(type_name() + ".step: parameter " + std::to_string(index) + " is " +
                                    dtype_name(parameter.dtype()) + " " + shape_to_string(parameter.shape()) +
                                    " but its grad is " + dtype_name(grad.dtype()) + " " +
                                    shape_to_string(grad.shape()));
    }
    return grad.contiguous();
}

// --- saving and loading -------------------------------------------------------------

OptimizerState Optimizer::state_dict() const {
    OptimizerState state;
    state.metadata["optimizer"] = type_name();
    state.metadata["parameter_count"] = std::to_string(parameters_.size());
    state.metadata["lr"] = metadata_number(learning_rate_);
    if (initial_learning_rate_) state.metadata["initial_lr"] = metadata_number(*initial_learning_rate_);
    save_state(state);
    return state;
}

void Optimizer::validate(const OptimizerState& state) const {
    const std::string where = type_name() + ".load_state_dict";
    const auto type = state.metadata.find("optimizer");
    if (type == state.metadata.end() || type->second != type_name()) {
        throw std::invalid_argument(where + ": state is for optimizer '" +
                                    (type == state.metadata.end() ? std::string("<missing>") : type->second) +
                                    "', expected '" + type_name() + "'");
    }
    const double count = metadata_to_number(state.metadata, "parameter_count", where);
    if (count != static_cast<double>(parameters_.size())) {
        throw std::invalid_argument(where + ": state has " + metadata_number(count) + " parameters, this optimizer has " +
                                    std::to_string(parameters_.size()));
    }
    metadata_to_number(state.metadata, "lr", where);
    if (state.metadata.count("initial_lr")) metadata_to_number(state.metadata, "initial_lr", where);

    const std::vector<std::string> buffer_names = state_buffer_names();
    for (const auto& [name, tensor] : state.tensors) {
        // name = "state.<index>.<buffer>"
        const std::size_t second_dot = name.find('.', 6);
        bool known = name.rfind("state.", 0) == 0 && second_dot != std::string::npos;
        std::size_t index = 0;
        if (known) {
            const std::string digits = name.substr(6, second_dot - 6);
            known = !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos &&
                    digits.size() < 10;
            if (known) index = std::stoul(digits);
            known = known && index < parameters_.size();
        }
        if (known) {
            const std::string buffer = name.substr(second_dot + 1);
            known = false;
            for (const std::string& expected : buffer_names) known = known || expected == buffer;
        }
        if (!known) throw std::invalid_argument(where + ": unexpected state tensor '" + name + "'");
        const Tensor& parameter = parameters_[index];
        if (tensor.shape() != parameter.shape() || tensor.dtype() != parameter.dtype()) {
            throw std::invalid_argument(where + ": state tensor '" + name + "' is " + dtype_name(tensor.dtype()) + " " +
                                        shape_to_string(tensor.shape()) + " but parameter " + std::to_string(index) +
                                        " is " + dtype_name(parameter.dtype()) + " " +
                                        shape_to_string(parameter.shape()));
        }
    }
}

void Optimizer::load_state_dict(const OptimizerState& state) {
    validate(state);
    const std::string where = type_name() + ".load_state_dict";
    const double learning_rate = metadata_to_number(state.metadata, "lr", where);
    std::optional<double> initial_learning_rate;
    if (state.metadata.count("initial_lr")) {
        initial_learning_rate = metadata_to_number(state.metadata, "initial_lr", where);
    }
    restore_state(state); // throws before changing anything, so the lr below stays consistent
    learning_rate_ = learning_rate;
    initial_learning_rate_ = initial_learning_rate;
}

Tensor Optimizer::saved_buffer(const OptimizerState& state, std::size_t index, const std::string& name) const {
    const std::string key = "state." + std::to_string(index) + "." + name;
    for (const auto& entry : state.tensors) {
        if (entry.first == key) return entry.second.detach().clone();
    }
    return Tensor();
}

// --- metadata numbers -----------------------------------------------------------------

std::string metadata_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

double metadata_to_number(const Metadata& metadata, const std::string& key, const std::string& where) {
    const auto entry = metadata.find(key);
    if (entry == metadata.end()) throw std::invalid_argument(where + ": metadata has no '" + key + "'");
    const char* text = entry->second.c_str();
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (entry->second.empty() || *end != '\0' || std::isnan(value)) {
        throw std::invalid_argument(where + ": metadata '" + key + "' should be a number, got '" + entry->second + "'");
    }
    return value;
}

} // namespace kindling::nn
