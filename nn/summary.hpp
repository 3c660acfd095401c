// summary(): a table of a model's layers, output shapes and parameter counts,
// like the torchsummary package:
//
//   -------------------------------------------------------------------------------
//                Layer (type)              Output Shape         Param #
//   ===============================================================================
//                   Flatten-1                 [-1, 784]               0
//                    Linear-2                 [-1, 128]         100,480
//                      ReLU-3                 [-1, 128]               0
//                    Linear-4                  [-1, 10]           1,290
//   ===============================================================================
//   Total params: 101,770
//   ...
//
// It runs one forward pass on zeros of [batch_size, *input_shape] in eval
// mode without recording gradients (the model's mode is restored afterwards,
// and BatchNorm's running statistics are untouched). Sequential containers are
// opened up, layer by layer, at any depth; any other module is one row, its
// output shape and all of its parameters (Module has no forward hooks to see
// inside an arbitrary forward()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace kindling::nn {

struct SummaryRow {
    std::string layer;         // type and position: "Linear-2"
    std::string name;          // dotted path in the model: "classifier.1"
    Shape output_shape;        // batch dim included
    std::int64_t parameters;   // this layer's parameters (its whole subtree for a non-Sequential)
};

struct Summary {
    Shape input_shape;         // batch dim included
    std::vector<SummaryRow> rows;
    std::int64_t total_parameters = 0;
    std::int64_t trainable_parameters = 0; // those that require grad
    std::size_t bytes_per_element = 4;

    // The torchsummary-style table; the batch dim is printed as -1.
    std::string to_string() const;
};

// input_shape excludes the batch dim: summary(model, {1, 28, 28}).
Summary summary(Module& model, const Shape& input_shape, DType dtype = DType::Float32, std::int64_t batch_size = 2);

} // namespace kindling::nn
