// Kindling: include this one header to use the whole framework.
//
//   #include <kindling.hpp>
//   using namespace kindling;
#pragma once

#include "autograd/grad_mode.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/node.hpp"
#include "tensor/dtype.hpp"
#include "tensor/generator.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"
#include "tensor/shape.hpp"
#include "tensor/tensor.hpp"
#include "nn/module.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "nn/activations.hpp"
#include "nn/softmax.hpp"
#include "nn/batchnorm.hpp"
#include "nn/dropout.hpp"
#include "nn/sequential.hpp"
#include "nn/summary.hpp"
#include "nn/losses.hpp"
#include "nn/conv2d.hpp"
#include "nn/pooling.hpp"
#include "nn/optimizer.hpp"
#include "nn/sgd.hpp"
#include "nn/adam.hpp"
#include "nn/lr_scheduler.hpp"
#include "nn/clip_grad.hpp"
#include "nn/safetensors.hpp"
#include "nn/serialization.hpp"
