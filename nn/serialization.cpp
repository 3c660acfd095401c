#include "nn/serialization.hpp"

#include <map>
#include <stdexcept>

#include "autograd/grad_mode.hpp"

namespace kindling::nn {

namespace {

void collect_state(const Module& module, const std::string& prefix, NamedTensors& out) {
    for (const auto& [name, tensor] : module.named_parameters(false)) out.emplace_back(prefix + name, tensor.detach());
    for (const auto& [name, tensor] : module.named_buffers(false)) out.emplace_back(prefix + name, tensor.detach());
    for (const auto& [name, child] : module.named_children()) collect_state(*child, prefix + name + ".", out);
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

} // namespace

NamedTensors state_dict(const Module& module) {
    NamedTensors state;
    collect_state(module, "", state);
    return state;
}

LoadResult load_state_dict(Module& module, const NamedTensors& state, bool strict) {
    // Match names first and collect every problem, so one error reports all.
    NamedTensors targets = state_dict(module);
    std::map<std::string, const Tensor*> sources;
    LoadResult result;
    for (const auto& [name, tensor] : state) {
        if (!sources.emplace(name, &tensor).second) {
            throw std::invalid_argument("load_state_dict: the state has the key '" + name + "' twice");
        }
    }
    std::vector<std::string> mismatched;
    std::map<std::string, bool> matched;
    for (const auto& [name, target] : targets) {
        const auto source = sources.find(name);
        if (source == sources.end()) {
            result.missing_keys.push_back(name);
            continue;
        }
        matched[name] = true;
        const Tensor& value = *source->second;
        if (value.shape() != target.shape() || value.dtype() != target.dtype()) {
            mismatched.push_back(name + " (checkpoint " + dtype_name(value.dtype()) + " " +
                                 shape_to_string(value.shape()) + ", model " + dtype_name(target.dtype()) + " " +
                                 shape_to_string(target.shape()) + ")");
        }
    }
    for (const auto& [name, tensor] : state) {
        if (!matched.count(name)) result.unexpected_keys.push_back(name);
    }

    std::string problems;
    if (strict && !result.missing_keys.empty()) problems += "\n  missing keys: " + join(result.missing_keys);
    if (strict && !result.unexpected_keys.empty()) problems += "\n  unexpected keys: " + join(result.unexpected_keys);
    if (!mismatched.empty()) problems += "\n  mismatched: " + join(mismatched);
    if (!problems.empty()) {
        throw std::invalid_argument("load_state_dict: cannot load into " + module.type_name() + ":" + problems);
    }

    // Every check passed: now copy, in place, so all handles see the values.
    autograd::NoGradGuard no_grad;
    for (auto& [name, target] : targets) {
        const auto source = sources.find(name);
        if (source != sources.end()) target.copy_(*source->second);
    }
    return result;
}

void save(const Module& module, const std::string& path, const Metadata& metadata) {
    write_safetensors(path, state_dict(module), metadata);
}

Metadata load(Module& module, const std::string& path, bool strict) {
    SafetensorsFile file = read_safetensors(path);
    try {
        load_state_dict(module, file.tensors, strict);
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument("load '" + path + "': " + error.what());
    }
    return file.metadata;
}

void save(const Optimizer& optimizer, const std::string& path, const Metadata& extra) {
    OptimizerState state = optimizer.state_dict();
    for (const auto& [key, value] : extra) {
        if (!state.metadata.emplace(key, value).second) {
            throw std::invalid_argument("save(" + optimizer.type_name() + ", '" + path + "'): extra metadata key '" +
                                        key + "' clashes with the optimizer's own");
        }
    }
    write_safetensors(path, state.tensors, state.metadata);
}

Metadata load(Optimizer& optimizer, const std::string& path) {
    SafetensorsFile file = read_safetensors(path);
    try {
        optimizer.load_state_dict({file.tensors, file.metadata});
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument("load '" + path + "': " + error.what());
    }
    return file.metadata;
}

} // namespace kindling::nn
