// Exact integer sums of pixels and squared pixels per channel.
#include "datasets/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kindling::datasets {

ChannelStatistics channel_statistics(const Dataset& dataset) {
    const ImageShape shape = dataset.image_shape();
    const auto channels = static_cast<std::size_t>(shape.channels);
    // 255^2 * 60,000 * 1,024 < 2^64: uint64 sums cannot overflow for these data sets.
    std::vector<std::uint64_t> sum(channels, 0), sum_of_squares(channels, 0);
    std::vector<std::uint8_t> scratch;
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const ImageView image = dataset.image(i, scratch);
        const std::int64_t pixels = shape.height * shape.width;
        for (std::int64_t p = 0; p < pixels; ++p) {
            for (std::size_t c = 0; c < channels; ++c) {
                const std::uint64_t value = image.pixels[static_cast<std::size_t>(p) * channels + c];
                sum[c] += value;
                sum_of_squares[c] += value * value;
            }
        }
    }
    ChannelStatistics statistics;
    const double count = static_cast<double>(dataset.size()) * static_cast<double>(shape.height * shape.width);
    for (std::size_t c = 0; c < channels; ++c) {
        // mean = E[x], var = E[x^2] - E[x]^2, with x = pixel / 255
        const double mean = static_cast<double>(sum[c]) / count / 255.0;
        const double mean_of_squares = static_cast<double>(sum_of_squares[c]) / count / (255.0 * 255.0);
        statistics.mean.push_back(mean);
        statistics.standard_deviation.push_back(std::sqrt(std::max(0.0, mean_of_squares - mean * mean)));
    }
    return statistics;
}

} // namespace kindling::datasets
