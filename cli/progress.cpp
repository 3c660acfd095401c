#include "cli/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace kindling::cli {

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) != 0; }

std::string format_duration(double seconds) {
    const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    char text[32];
    if (total >= 3600) {
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
    } else {
        std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
    }
    return text;
}

EpochProgress::EpochProgress(int epoch, int epochs, std::int64_t batches, bool interactive)
    : epoch_(epoch), epochs_(epochs), batches_(batches), interactive_(interactive),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double EpochProgress::seconds_elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void EpochProgress::update(std::int64_t batches_done, std::int64_t images_done, double running_loss,
                           double running_accuracy) {
    if (!interactive_) return;
    const auto now = std::chrono::steady_clock::now();
    // Redrawing more than ~10 times a second only costs time.
    if (batches_done != batches_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;

    constexpr int bar_width = 20;
    const double fraction = batches_ > 0 ? static_cast<double>(batches_done) / static_cast<double>(batches_) : 1.0;
    const int filled = static_cast<int>(fraction * bar_width);
    const double elapsed = seconds_elapsed();
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    char line[256];
    std::snprintf(line, sizeof line, "\repoch %d/%d [%s%s] %lld/%lld  eta %s  loss %.4f  acc %.1f%%  %.0f img/s\033[K",
                  epoch_, epochs_, std::string(filled, '#').c_str(), std::string(bar_width - filled, '.').c_str(),
                  static_cast<long long>(batches_done), static_cast<long long>(batches_), format_duration(eta).c_str(),
                  running_loss, 100.0 * running_accuracy, elapsed > 0 ? static_cast<double>(images_done) / elapsed : 0.0);
    std::cout << line << std::flush;
}

void EpochProgress::finish() {
    if (interactive_) std::cout << "\r\033[K" << std::flush;
}

} // namespace kindling::cli
