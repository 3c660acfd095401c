#include "nn/module.hpp"

#include <stdexcept>

#include "autograd/grad_mode.hpp"

namespace kindling::nn {

void Module::check_new_name(const std::string& name) const {
    if (name.empty() || name.find('.') != std::string::npos) {
        throw std::invalid_argument(type_name() + ": invalid member name '" + name + "' (must be non-empty, no dots)");
    }
    auto taken = [&](const auto& list) {
        for (const auto& entry : list) {
            if (entry.first == name) return true;
        }
        return false;
    };
    if (taken(parameters_) || taken(buffers_) || taken(children_)) {
        throw std::invalid_argument(type_name() + ": the name '" + name + "' is already registered");
    }
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
    check_new_name(name);
    tensor.requires_grad_(true);
    parameters_.emplace_back(name, tensor);
    return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
    check_new_name(name);
    buffers_.emplace_back(name, tensor);
    return tensor;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
    check_new_name(name);
    if (!module) throw std::invalid_argument(type_name() + ": child module '" + name + "' is null");
    children_.emplace_back(name, std::move(module));
}

namespace {

// Collects entries of `list(module)` from the module tree with dotted prefixes.
template <typename Getter>
void collect(const Module& module, const std::string& prefix, bool recurse, Getter list,
             std::vector<std::pair<std::string, Tensor>>& out) {
    for (const auto& [name, tensor] : list(module)) out.emplace_back(prefix + name, tensor);
    if (!recurse) return;
    for (const auto& [name, child] : module.named_children()) collect(*child, prefix + name + ".", true, list, out);
}

} // namespace

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
    std::vector<std::pair<std::string, Tensor>> out;
    collect(*this, "", recurse, [](const Module& m) -> const auto& { return m.parameters_; }, out);
    return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
    std::vector<std::pair<std::string, Tensor>> out;
    collect(*this, "", recurse, [](const Module& m) -> const auto& { return m.buffers_; }, out);
    return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
    std::vector<Tensor> out;
    for (auto& entry : named_parameters(recurse)) out.push_back(entry.second);
    return out;
}

std::int64_t Module::parameter_count() const {
    std::int64_t count = 0;
    for (const Tensor& parameter : parameters()) count += parameter.numel();
    return count;
}

void Module::train(bool training) {
    training_ = training;
    for (auto& entry : children_) entry.second->train(training);
}

void Module::zero_grad() {
    for (Tensor parameter : parameters()) parameter.zero_grad();
}

void Module::to(DType dtype) {
    autograd::NoGradGuard no_grad;
    // Swap the converted data into the existing TensorImpl, so every handle to
    // this parameter (the layer's member, an optimizer's list) sees it.
    auto convert = [dtype](Tensor tensor) {
        if (!is_floating(tensor.dtype()) || tensor.dtype() == dtype) return;
        const Tensor converted = tensor.to(dtype).contiguous();
        TensorImpl& impl = tensor.impl();
        impl.storage = converted.impl().storage;
        impl.shape = converted.shape();
        impl.strides = converted.strides();
        impl.offset = converted.offset();
        impl.dtype = dtype;
        impl.grad = nullptr;
    };
    for (auto& entry : named_parameters()) convert(entry.second);
    for (auto& entry : named_buffers()) convert(entry.second);
}

void Module::to_string_into(std::string& out, int indent) const {
    out += type_name() + "(" + extra_repr();
    if (children_.empty()) {
        out += ")";
        return;
    }
    if (!extra_repr().empty()) out += ",";
    out += "\n";
    for (const auto& [name, child] : children_) {
        out += std::string(indent + 2, ' ') + "(" + name + "): ";
        child->to_string_into(out, indent + 2);
        out += "\n";
    }
    out += std::string(indent, ' ') + ")";
}

std::string Module::to_string() const {
    std::string out;
    to_string_into(out, 0);
    return out;
}

} // namespace kindling::nn
