// Reads the JSON fixtures that scripts/fixtures/optim.py writes from PyTorch,
// for the optimizer, schedule and clipping tests.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

inline nlohmann::json read_optim_fixture(const std::string& name) {
    std::ifstream file(std::string(KINDLING_FIXTURES_DIR) + "/" + name);
    if (!file) throw std::runtime_error("missing fixture " + name + ": run /usr/bin/python3 scripts/fixtures/optim.py");
    return nlohmann::json::parse(file);
}
