// Sequential: a chain of modules, each one's output the next one's input.
//
//   auto model = std::make_shared<nn::Sequential>(
//       std::make_shared<nn::Flatten>(),
//       std::make_shared<nn::Linear>(784, 128),
//       std::make_shared<nn::ReLU>(),
//       std::make_shared<nn::Linear>(128, 10));
//
// The children are named "0", "1", ... in order, as in PyTorch, so parameters
// read "1.weight", "3.bias", and inside a parent "features.0.weight".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nn/module.hpp"

namespace kindling::nn {

class Sequential : public Module {
public:
    Sequential() = default;
    template <typename... Modules> explicit Sequential(std::shared_ptr<Modules>... modules) {
        (push_back(std::move(modules)), ...);
    }

    // Appends a module under the next index name.
    void push_back(std::shared_ptr<Module> module);

    // x -> children[0] -> children[1] -> ... -> output
    Tensor forward(const Tensor& input) override;
    std::string type_name() const override { return "Sequential"; }

    std::int64_t size() const { return static_cast<std::int64_t>(named_children().size()); }
    // The index-th module; negative indices count from the end.
    std::shared_ptr<Module> operator[](std::int64_t index) const;
    // The same, as its concrete type: model.at<Linear>(1)->weight. Throws if it is another type.
    template <typename ModuleType> std::shared_ptr<ModuleType> at(std::int64_t index) const {
        auto module = std::dynamic_pointer_cast<ModuleType>((*this)[index]);
        if (!module) throw_wrong_type(index);
        return module;
    }

private:
    [[noreturn]] void throw_wrong_type(std::int64_t index) const;
};

} // namespace kindling::nn
