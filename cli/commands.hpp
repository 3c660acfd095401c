// The subcommands of the `kindling` program. Each lives in its own file
// (cli/<name>_command.cpp) and adds itself to the app in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace kindling::cli {

void add_demo_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_metrics_command(CLI::App& app);
void add_bench_command(CLI::App& app);

} // namespace kindling::cli
