// kindling: the command-line front end.  `kindling --help` lists subcommands.
#include <exception>
#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Kindling: a deep-learning framework to learn from"};
    app.require_subcommand(1);
    kindling::cli::add_demo_command(app);
    kindling::cli::add_train_command(app);
    kindling::cli::add_eval_command(app);
    kindling::cli::add_predict_command(app);
    kindling::cli::add_metrics_command(app);
    kindling::cli::add_bench_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const std::exception& error) {
        std::cerr << "kindling: error: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
