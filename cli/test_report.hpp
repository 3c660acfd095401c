// The end of a run, shared by `kindling train` and `kindling eval`: print the
// test metrics and diagnostics, and write summary.json, the plots and
// report.html into the output folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/run_report.hpp"
#include "cli/training.hpp"
#include "metrics/diagnostic.hpp"

namespace kindling::cli {

struct TestReportInput {
    std::string dataset;
    std::string model;
    std::vector<std::string> class_names;
    Evaluation test;
    std::vector<EpochRecord> history;            // empty for `kindling eval`
    std::vector<metrics::Diagnostic> diagnostics; // overfitting, leakage, ... found by the caller
    nlohmann::json extra;                         // more summary.json fields (train_seconds, ...)
    std::vector<std::pair<std::string, std::string>> facts; // shown at the top of report.html
};

// Adds the diagnostics that come from the test predictions themselves (chance
// level, accuracy paradox, low recall), prints everything to stdout and writes
// the files. Returns the diagnostics printed.
std::vector<metrics::Diagnostic> finish_report(TestReportInput input, const std::filesystem::path& out_dir);

nlohmann::json diagnostic_to_json(const metrics::Diagnostic& diagnostic);

} // namespace kindling::cli
