// Module: the base of every layer and model, like torch.nn.Module.
//
// A module owns named parameters (trained tensors), buffers (state that is
// saved but not trained, like BatchNorm's running mean) and child modules.
// Names compose with dots, so a model's parameters read like PyTorch's:
//
//   features.0.weight   features.0.bias   classifier.1.weight ...
//
// Layers keep their parameters as public Tensor members (conv.weight) and
// register the same handles here. A Tensor is a handle to shared state, so
// to(dtype) and load_state_dict() update the registered tensors in place and
// every member sees the change.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace kindling::nn {

class Module {
public:
    virtual ~Module() = default;

    // The computation. Most layers map one tensor to one tensor.
    virtual Tensor forward(const Tensor& input) = 0;
    Tensor operator()(const Tensor& input) { return forward(input); }

    // "Conv2d", "Linear", ...: the class name shown in summaries.
    virtual std::string type_name() const = 0;
    // The constructor arguments shown in to_string(), e.g. "3, 32, kernel_size=(3, 3)".
    virtual std::string extra_repr() const { return ""; }

    // Parameters of this module and, with recurse, of all its descendants, in
    // registration order.
    std::vector<Tensor> parameters(bool recurse = true) const;
    std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
    std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
    // Total number of trainable scalars.
    std::int64_t parameter_count() const;

    // Dropout and BatchNorm behave differently in training and evaluation.
    void train(bool training = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }

    void zero_grad();
    // Converts every parameter and float buffer (float32 <-> float64) in place.
    void to(DType dtype);

    // Multi-line description like print(model) in PyTorch.
    std::string to_string() const;

protected:
    // Registers `tensor` as a parameter (it is made to require grad) and
    // returns the same handle, so a layer can write
    //   weight = register_parameter("weight", empty({out, in}));
    Tensor register_parameter(const std::string& name, Tensor tensor);
    Tensor register_buffer(const std::string& name, Tensor tensor);
    template <typename ModuleType>
    std::shared_ptr<ModuleType> register_module(const std::string& name, std::shared_ptr<ModuleType> module) {
        add_child(name, module);
        return module;
    }

private:
    void add_child(const std::string& name, std::shared_ptr<Module> module);
    void check_new_name(const std::string& name) const;
    void to_string_into(std::string& out, int indent) const;

    std::vector<std::pair<std::string, Tensor>> parameters_;
    std::vector<std::pair<std::string, Tensor>> buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

} // namespace kindling::nn
