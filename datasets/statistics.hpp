// Per-channel mean and standard deviation of a dataset's pixels (pixel / 255),
// the numbers Normalize wants. Sums are exact integers (uint8 values), so the
// result does not depend on summation order.
#pragma once

#include <vector>

#include "datasets/dataset.hpp"

namespace kindling::datasets {

struct ChannelStatistics {
    std::vector<double> mean;               // one per channel, in [0, 1]
    std::vector<double> standard_deviation; // population std (divides by the pixel count)
};

ChannelStatistics channel_statistics(const Dataset& dataset);

} // namespace kindling::datasets
