// Training progress for people watching a terminal, and for log files.
//
// On a terminal: one live line per epoch, redrawn in place,
//   epoch 2/5 [##########..........] 234/469  eta 0:07  loss 0.3121  acc 88.6%  4210 img/s
// When output goes to a file or pipe: no redraws, only the epoch summaries,
// so logs stay one line per epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kindling::cli {

class EpochProgress {
public:
    EpochProgress(int epoch, int epochs, std::int64_t batches, bool interactive);

    // After each batch: the running mean loss and accuracy of the epoch so far.
    void update(std::int64_t batches_done, std::int64_t images_done, double running_loss, double running_accuracy);
    // Clears the live line (on a terminal) so the epoch summary can be printed.
    void finish();

    double seconds_elapsed() const;

private:
    int epoch_, epochs_;
    std::int64_t batches_;
    bool interactive_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

// True when standard output is a terminal (so a live bar makes sense).
bool stdout_is_terminal();

// "1:05" for 65 seconds.
std::string format_duration(double seconds);

} // namespace kindling::cli
