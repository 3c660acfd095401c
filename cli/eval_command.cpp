// `kindling eval --checkpoint FILE [--dataset NAME --data-dir DIR] [--out DIR]`:
// the test-set report of `kindling train`, for any saved checkpoint. The
// dataset defaults to the one the checkpoint was trained on.
#include <iostream>

#include "cli/checkpoint_info.hpp"
#include "cli/commands.hpp"
#include "cli/data_sources.hpp"
#include "cli/test_report.hpp"

namespace kindling::cli {

namespace {

struct EvalOptions {
    std::string checkpoint;
    DataOptions data;
    std::string out_dir;
};

void run_eval(EvalOptions options) {
    CheckpointInfo info;
    auto model = load_checkpoint_model(options.checkpoint, info);
    if (options.data.dataset.empty()) options.data.dataset = info.dataset;
    options.data.image_size = info.model.image_size;
    const DataSources data = load_data_sources(options.data);
    if (data.class_names.size() != static_cast<std::size_t>(info.model.num_classes) ||
        data.channels != info.model.in_channels || data.image_size != info.model.image_size) {
        throw std::invalid_argument("checkpoint " + options.checkpoint + " expects " +
                                    std::to_string(info.model.in_channels) + "x" + std::to_string(info.model.image_size) +
                                    "x" + std::to_string(info.model.image_size) + " images in " +
                                    std::to_string(info.model.num_classes) + " classes, but dataset " + data.name +
                                    " has " + std::to_string(data.channels) + "x" + std::to_string(data.image_size) +
                                    "x" + std::to_string(data.image_size) + " images in " +
                                    std::to_string(data.class_names.size()) + " classes");
    }
    datasets::DataLoaderOptions loading;
    loading.batch_size = 500;
    // Normalise exactly as in training: the statistics stored in the checkpoint.
    const datasets::DataLoader test_loader(data.test, normalizing_pipeline(info.mean, info.standard_deviation), loading);
    std::cout << "evaluating " << options.checkpoint << " (" << info.model.name << ", trained " << info.epoch
              << " epochs on " << info.dataset << ") on the " << data.name << " test set\n";

    TestReportInput report;
    report.dataset = data.name;
    report.model = info.model.name;
    report.class_names = info.class_names;
    report.test = evaluate(*model, test_loader, info.model.num_classes);
    report.facts = {{"checkpoint", options.checkpoint}, {"dataset", data.name}, {"model", info.model.name}};
    const std::filesystem::path out_dir =
        options.out_dir.empty() ? std::filesystem::path(options.checkpoint).parent_path() / "eval"
                                : std::filesystem::path(options.out_dir);
    finish_report(std::move(report), out_dir);
}

} // namespace

void add_eval_command(CLI::App& app) {
    auto options = std::make_shared<EvalOptions>();
    options->data.dataset.clear();
    CLI::App* command = app.add_subcommand("eval", "Evaluate a saved checkpoint on a dataset's test set");
    command->add_option("--checkpoint", options->checkpoint, "A .safetensors file written by kindling train")->required();
    command->add_option("--dataset", options->data.dataset, "Default: the dataset the checkpoint was trained on");
    command->add_option("--data-dir", options->data.data_dir, "Folder holding the dataset's files");
    command->add_option("--out", options->out_dir, "Output folder (default: <checkpoint folder>/eval)");
    command->callback([options] { run_eval(*options); });
}

} // namespace kindling::cli
