// `kindling train`: the main job. Loads a dataset, trains a model with
// per-epoch validation, keeps the best checkpoint, then reports on the test set.
//
//   kindling train                              # Fashion-MNIST, small-cnn, defaults below
//   kindling train --dataset cifar10 --data-dir DIR --model cifar-cnn --epochs 30 --optimizer sgd --lr 0.05
//   kindling train --resume runs/X/last.safetensors
//
// Output folder (--out, default runs/<dataset>-<timestamp>):
//   best.safetensors    weights with the best validation accuracy
//   last.safetensors    weights after the last completed epoch (+ last.optimizer.safetensors: resumable)
//   history.csv, summary.json, loss.svg, accuracy.svg, confusion_matrix.svg, report.html
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/checkpoint_info.hpp"
#include "cli/commands.hpp"
#include "cli/data_sources.hpp"
#include "cli/progress.hpp"
#include "cli/test_report.hpp"
#include "datasets/leakage.hpp"
#include "metrics/data_leakage.hpp"
#include "metrics/overfitting.hpp"
#include "nn/adam.hpp"
#include "nn/lr_scheduler.hpp"
#include "nn/serialization.hpp"
#include "nn/sgd.hpp"
#include "tensor/parallel.hpp"

namespace kindling::cli {

namespace {

namespace fs = std::filesystem;

struct TrainOptions {
    DataOptions data;
    std::string model = "small-cnn";
    int epochs = 3;
    std::int64_t batch_size = 128;
    double learning_rate = 2e-3;
    std::string optimizer = "adam";
    double weight_decay = 0.0;
    int threads = 0; // 0: keep OMP_NUM_THREADS / all cores
    std::uint64_t seed = 0;
    std::string out_dir;
    std::string resume;
};

// Ctrl-C asks the loop to stop after the current batch; the last completed
// epoch's checkpoint stays valid (checkpoints are written atomically).
std::atomic<bool> interrupt_requested{false};
extern "C" void request_interrupt(int) { interrupt_requested.store(true); }

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
    return text;
}

std::string folder_safe(std::string text) {
    for (char& c : text) {
        if (c == ':' || c == '/' || c == ',' || c == ' ') c = '-';
    }
    return text;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const TrainOptions& options, std::vector<Tensor> parameters) {
    if (options.optimizer == "sgd") {
        nn::SGDOptions sgd;
        sgd.lr = options.learning_rate;
        sgd.momentum = 0.9;
        sgd.nesterov = true;
        sgd.weight_decay = options.weight_decay;
        return std::make_unique<nn::SGD>(std::move(parameters), sgd);
    }
    if (options.optimizer == "adam") {
        nn::AdamOptions adam;
        adam.lr = options.learning_rate;
        adam.weight_decay = options.weight_decay;
        return std::make_unique<nn::Adam>(std::move(parameters), adam);
    }
    if (options.optimizer == "adamw") {
        nn::AdamWOptions adamw;
        adamw.lr = options.learning_rate;
        if (options.weight_decay > 0) adamw.weight_decay = options.weight_decay;
        return std::make_unique<nn::AdamW>(std::move(parameters), adamw);
    }
    throw std::invalid_argument("unknown optimizer '" + options.optimizer + "' (expected sgd, adam or adamw)");
}

void run_train(TrainOptions options) {
    if (options.threads > 0) set_num_threads(options.threads);
    manual_seed(options.seed); // Dropout masks

    // --- resume: the checkpoint says which model and data it belongs to -------
    CheckpointInfo resumed;
    if (!options.resume.empty()) {
        resumed = read_checkpoint_info(options.resume);
        options.model = resumed.model.name;
        options.data.dataset = resumed.dataset;
        if (options.out_dir.empty()) options.out_dir = fs::path(options.resume).parent_path().string();
    }

    // --- data ----------------------------------------------------------------------
    options.data.seed = options.seed;
    const DataSources data = load_data_sources(options.data);
    datasets::DataLoaderOptions train_loading;
    train_loading.batch_size = options.batch_size;
    train_loading.shuffle = true;
    train_loading.seed = options.seed;
    datasets::DataLoaderOptions eval_loading;
    eval_loading.batch_size = 500;
    const datasets::DataLoader train_loader(data.train, data.train_pipeline, train_loading);
    const datasets::DataLoader validation_loader(data.validation, data.eval_pipeline, eval_loading);
    const datasets::DataLoader test_loader(data.test, data.eval_pipeline, eval_loading);

    // --- model and optimizer -------------------------------------------------------
    CheckpointInfo info;
    info.model = {options.model, data.channels, data.image_size, static_cast<std::int64_t>(data.class_names.size())};
    info.dataset = data.name;
    info.class_names = data.class_names;
    info.mean = data.mean;
    info.standard_deviation = data.standard_deviation;
    auto model = build_model(info.model, options.seed);
    auto optimizer = make_optimizer(options, model->parameters());
    const std::int64_t steps_per_epoch = train_loader.num_batches();
    nn::OneCycleLR schedule(*optimizer, options.learning_rate, steps_per_epoch * options.epochs);

    const fs::path out_dir = options.out_dir.empty() ? fs::path("runs") / (folder_safe(data.name) + "-" + timestamp())
                                                     : fs::path(options.out_dir);
    fs::create_directories(out_dir);
    const std::string last_checkpoint = (out_dir / "last.safetensors").string();
    const std::string last_optimizer = (out_dir / "last.optimizer.safetensors").string();
    const std::string best_checkpoint = (out_dir / "best.safetensors").string();

    std::vector<EpochRecord> history;
    int first_epoch = 0;
    double best_validation_accuracy = -1.0;
    if (!options.resume.empty()) {
        nn::load(*model, options.resume);
        const fs::path optimizer_file = fs::path(options.resume).replace_extension(".optimizer.safetensors");
        schedule.load_state_dict(nn::load(*optimizer, optimizer_file.string()));
        first_epoch = static_cast<int>(resumed.epoch);
        if (fs::exists(out_dir / "history.csv")) history = read_history_csv(out_dir / "history.csv");
        history.resize(std::min<std::size_t>(history.size(), static_cast<std::size_t>(first_epoch)));
        for (const EpochRecord& row : history) best_validation_accuracy = std::max(best_validation_accuracy, row.validation_accuracy);
        std::cout << "resuming " << options.resume << " after epoch " << first_epoch << "\n";
    }

    std::cout << "dataset " << data.name << ": " << data.train->size() << " train, " << data.validation->size()
              << " validation, " << data.test->size() << " test images of " << data.channels << "x" << data.image_size
              << "x" << data.image_size << ", " << data.class_names.size() << " classes\n"
              << "model " << options.model << " (" << model->parameter_count() << " parameters), " << optimizer->type_name()
              << " lr " << options.learning_rate << " (one-cycle), batch " << options.batch_size << ", "
              << options.epochs << " epochs, " << get_num_threads() << " threads, OpenBLAS " << blas_core_name()
              << "\noutput folder " << out_dir.string() << "\n";

    // --- the epochs -------------------------------------------------------------------
    std::signal(SIGINT, request_interrupt);
    const bool interactive = stdout_is_terminal();
    double train_seconds = 0.0;
    std::int64_t images_trained = 0;
    for (int epoch = first_epoch; epoch < options.epochs; ++epoch) {
        EpochProgress progress(epoch + 1, options.epochs, steps_per_epoch, interactive);
        TrainingHooks hooks;
        hooks.on_batch = [&](std::int64_t batches, std::int64_t images, double loss, double accuracy) {
            progress.update(batches, images, loss, accuracy);
        };
        hooks.after_step = [&] { schedule.step(); };
        hooks.stop = &interrupt_requested;
        const EpochResult trained = train_one_epoch(*model, *optimizer, train_loader, epoch, hooks);
        progress.finish();
        if (trained.interrupted) {
            std::cout << "interrupted during epoch " << epoch + 1 << "; the last completed epoch is saved in "
                      << last_checkpoint << "\nresume with: kindling train --resume " << last_checkpoint << "\n";
            // Unwinds normally (objects destroyed, files closed); main() exits with 130 like a shell.
            throw CLI::RuntimeError(130);
        }
        train_seconds += trained.seconds;
        images_trained += trained.images;
        const Evaluation validation = evaluate(*model, validation_loader, static_cast<std::int64_t>(data.class_names.size()));
        history.push_back({epoch + 1, trained.loss, trained.accuracy, validation.loss, validation.accuracy,
                           optimizer->lr(), trained.seconds});

        info.epoch = epoch + 1;
        info.validation_accuracy = validation.accuracy;
        nn::save(*model, last_checkpoint, to_metadata(info));
        nn::save(*optimizer, last_optimizer, schedule.state_dict());
        const bool best = validation.accuracy > best_validation_accuracy;
        if (best) {
            best_validation_accuracy = validation.accuracy;
            nn::save(*model, best_checkpoint, to_metadata(info));
        }
        write_history_csv(out_dir / "history.csv", history);
        std::cout << "epoch " << epoch + 1 << "/" << options.epochs << std::fixed << std::setprecision(4)
                  << "  train loss " << trained.loss << " acc " << std::setprecision(2) << 100.0 * trained.accuracy
                  << "%  val loss " << std::setprecision(4) << validation.loss << " acc " << std::setprecision(2)
                  << 100.0 * validation.accuracy << "%  " << std::setprecision(1) << trained.seconds << "s  "
                  << std::setprecision(0) << static_cast<double>(trained.images) / trained.seconds << " img/s"
                  << (best ? "  (best)" : "") << "\n"
                  << std::defaultfloat;
    }

    // --- the test set, once, with the best weights ------------------------------------
    nn::load(*model, best_checkpoint);
    const Evaluation test = evaluate(*model, test_loader, static_cast<std::int64_t>(data.class_names.size()));

    std::vector<metrics::EpochMetrics> epoch_metrics;
    for (const EpochRecord& row : history) {
        epoch_metrics.push_back({row.train_loss, row.validation_loss, row.train_accuracy, row.validation_accuracy});
    }
    TestReportInput report;
    report.dataset = data.name;
    report.model = options.model;
    report.class_names = data.class_names;
    report.test = test;
    report.history = history;
    report.diagnostics = metrics::detect_overfitting(epoch_metrics);
    std::vector<std::uint64_t> seen_in_training = datasets::content_hashes(*data.train);
    const std::vector<std::uint64_t> validation_hashes = datasets::content_hashes(*data.validation);
    seen_in_training.insert(seen_in_training.end(), validation_hashes.begin(), validation_hashes.end());
    if (auto leakage = metrics::detect_data_leakage(seen_in_training, datasets::content_hashes(*data.test))) {
        report.diagnostics.push_back(*leakage);
    }
    const double images_per_second = train_seconds > 0 ? static_cast<double>(images_trained) / train_seconds : 0.0;
    report.extra = {{"train_seconds", train_seconds},
                    {"images_per_second", images_per_second},
                    {"best_validation_accuracy", best_validation_accuracy},
                    {"optimizer", optimizer->type_name()},
                    {"learning_rate", options.learning_rate},
                    {"batch_size", options.batch_size},
                    {"threads", get_num_threads()},
                    {"seed", options.seed}};
    report.facts = {{"dataset", data.name},
                    {"model", options.model + " (" + std::to_string(model->parameter_count()) + " parameters)"},
                    {"training", std::to_string(history.size()) + " epochs, " + optimizer->type_name() + ", batch " +
                                     std::to_string(options.batch_size)},
                    {"training time", format_duration(train_seconds) + " (" +
                                          std::to_string(static_cast<long long>(images_per_second)) + " images/s)"}};
    finish_report(std::move(report), out_dir);
}

} // namespace

void add_train_command(CLI::App& app) {
    auto options = std::make_shared<TrainOptions>();
    CLI::App* command = app.add_subcommand("train", "Train a model and report on its test set");
    command->add_option("--dataset", options->data.dataset, "fashion-mnist | cifar10 | cifar10:CLASS,CLASS | folder:PATH")
        ->capture_default_str();
    command->add_option("--data-dir", options->data.data_dir, "Folder holding the dataset's files");
    command->add_option("--model", options->model, "small-cnn | cifar-cnn | mlp")->capture_default_str();
    command->add_option("--epochs", options->epochs, "Passes over the training set")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("--batch-size", options->batch_size, "Images per step")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("--lr", options->learning_rate, "Peak learning rate (one-cycle schedule)")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("--optimizer", options->optimizer, "sgd | adam | adamw")->capture_default_str();
    command->add_option("--weight-decay", options->weight_decay, "L2 penalty (decoupled for adamw)")->capture_default_str();
    command->add_option("--threads", options->threads, "Threads for OpenMP and OpenBLAS (default: OMP_NUM_THREADS or all cores)");
    command->add_option("--seed", options->seed, "Seed for initialisation, shuffling, augmentation")->capture_default_str();
    command->add_option("--image-size", options->data.image_size, "Folder datasets: resize images to SxS (default 64)");
    command->add_flag("!--no-augment", options->data.augment, "Turn off random crop + flip on colour datasets");
    command->add_option("--out", options->out_dir, "Output folder (default runs/<dataset>-<timestamp>)");
    command->add_option("--resume", options->resume, "Continue from a last.safetensors checkpoint");
    command->callback([options] { run_train(*options); });
}

} // namespace kindling::cli
