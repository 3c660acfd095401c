#include "nn/sequential.hpp"

#include <stdexcept>

namespace kindling::nn {

void Sequential::push_back(std::shared_ptr<Module> module) {
    register_module(std::to_string(size()), std::move(module));
}

Tensor Sequential::forward(const Tensor& input) {
    Tensor x = input;
    for (const auto& [name, child] : named_children()) x = child->forward(x);
    return x;
}

std::shared_ptr<Module> Sequential::operator[](std::int64_t index) const {
    const std::int64_t count = size();
    const std::int64_t position = index < 0 ? index + count : index;
    if (position < 0 || position >= count) {
        throw std::out_of_range("Sequential: index " + std::to_string(index) + " is out of range for " +
                                std::to_string(count) + " modules");
    }
    return named_children()[static_cast<std::size_t>(position)].second;
}

void Sequential::throw_wrong_type(std::int64_t index) const {
    throw std::invalid_argument("Sequential::at: module " + std::to_string(index) + " is a " +
                                (*this)[index]->type_name() + ", not the type asked for");
}

} // namespace kindling::nn
