// Saving and loading models and optimizers, like torch's state_dict(),
// load_state_dict() and safetensors.torch.save_file / load_file.
//
//   nn::save(model, "model.safetensors");          // every parameter and buffer, by name
//   nn::load(model, "model.safetensors");          // same architecture, values restored
//
//   nn::save(optimizer, "optimizer.safetensors", scheduler.state_dict());
//   Metadata extra = nn::load(optimizer, "optimizer.safetensors");
//   scheduler.load_state_dict(extra);              // training resumes bit for bit
//
// Names are PyTorch's ("features.0.weight", "bn.running_mean"), so a PyTorch
// state_dict saved with safetensors loads into the same Kindling architecture
// and a Kindling checkpoint opens in Python (see docs/nn/saving.md).
#pragma once

#include <string>
#include <vector>

#include "nn/module.hpp"
#include "nn/optimizer.hpp"
#include "nn/safetensors.hpp"

namespace kindling::nn {

// Every parameter and buffer of `module` by dotted name, in PyTorch's order
// (a module's parameters, then its buffers, then each child's). The tensors
// share data with the module (detached from autograd): clone() to snapshot.
NamedTensors state_dict(const Module& module);

struct LoadResult {
    std::vector<std::string> missing_keys;    // in the module, not in the state
    std::vector<std::string> unexpected_keys; // in the state, not in the module
};

// Copies `state` into the module's tensors in place (every handle, including
// an optimizer's, sees the new values). Everything is checked first: a shape
// or dtype mismatch, and with `strict` a missing or unexpected name, throws
// one error listing every problem by name, and nothing is changed.
LoadResult load_state_dict(Module& module, const NamedTensors& state, bool strict = true);

// The module's state_dict as a safetensors file (written atomically), with
// optional metadata (e.g. {"epoch", "12"}).
void save(const Module& module, const std::string& path, const Metadata& metadata = {});
// Reads and validates `path`, then load_state_dict(strict). Returns the file's metadata.
Metadata load(Module& module, const std::string& path, bool strict = true);

// The optimizer's state (buffers as tensors, hyper-parameters and step counts
// in metadata) plus `extra` metadata such as a scheduler's state_dict().
void save(const Optimizer& optimizer, const std::string& path, const Metadata& extra = {});
// Restores the optimizer (validated first) and returns all of the file's metadata.
Metadata load(Optimizer& optimizer, const std::string& path);

} // namespace kindling::nn
