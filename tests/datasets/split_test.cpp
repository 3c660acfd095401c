// random_split / train_validation_split, content hashes and leakage, channel statistics.
#include <gtest/gtest.h>

#include <set>

#include "datasets/leakage.hpp"
#include "datasets/statistics.hpp"

using namespace kindling::datasets;

namespace {

// n 2x2 gray images; image i has all four pixels equal to values[i].
std::shared_ptr<InMemoryDataset> gray_dataset(const std::vector<std::uint8_t>& values) {
    std::vector<std::uint8_t> pixels;
    std::vector<std::int64_t> labels;
    for (const auto value : values) {
        pixels.insert(pixels.end(), 4, value);
        labels.push_back(value % 2);
    }
    return std::make_shared<InMemoryDataset>(ImageShape{2, 2, 1}, std::move(pixels), std::move(labels),
                                             std::vector<std::string>{"even", "odd"});
}

std::shared_ptr<InMemoryDataset> distinct_dataset(int n) {
    std::vector<std::uint8_t> values;
    for (int i = 0; i < n; ++i) values.push_back(static_cast<std::uint8_t>(i));
    return gray_dataset(values);
}

} // namespace

TEST(RandomSplit, IsDisjointCompleteAndSeeded) {
    const auto dataset = distinct_dataset(100);
    const auto parts = random_split(dataset, {70, 20, 10}, 5);
    ASSERT_EQ(parts.size(), 3u);
    std::set<std::int64_t> seen;
    for (const auto& part : parts) seen.insert(part->indices().begin(), part->indices().end());
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_EQ(parts[1]->size(), 20);
    EXPECT_EQ(random_split(dataset, {70, 20, 10}, 5)[0]->indices(), parts[0]->indices());
    EXPECT_NE(random_split(dataset, {70, 20, 10}, 6)[0]->indices(), parts[0]->indices());
    // A subset reads through to its base.
    std::vector<std::uint8_t> scratch;
    const std::int64_t base_index = parts[2]->indices()[3];
    EXPECT_EQ(parts[2]->image(3, scratch).pixels, dataset->image(base_index).pixels);
    EXPECT_EQ(parts[2]->label(3), dataset->label(base_index));
    EXPECT_THROW(random_split(dataset, {70, 20}, 5), std::invalid_argument);
    EXPECT_THROW(parts[1]->label(20), std::out_of_range);
}

TEST(RandomSplit, TrainValidationSplitRoundsTheFraction) {
    const auto [train, validation] = train_validation_split(distinct_dataset(101), 0.2, 1);
    EXPECT_EQ(validation->size(), 20);
    EXPECT_EQ(train->size(), 81);
    EXPECT_THROW(train_validation_split(distinct_dataset(4), 1.5, 1), std::invalid_argument);
}

TEST(Leakage, Fnv1aMatchesReferenceValues) {
    // Test vectors from the FNV reference (Noll): "", "a", "foobar".
    const std::string a = "a", foobar = "foobar";
    EXPECT_EQ(fnv1a_64({}), 0xCBF29CE484222325ull);
    EXPECT_EQ(fnv1a_64({reinterpret_cast<const std::uint8_t*>(a.data()), a.size()}), 0xAF63DC4C8601EC8Cull);
    EXPECT_EQ(fnv1a_64({reinterpret_cast<const std::uint8_t*>(foobar.data()), foobar.size()}), 0x85944171F73967E8ull);
}

TEST(Leakage, FindsImagesPresentInBothSplits) {
    const auto train = gray_dataset({1, 2, 3, 4, 5, 2});
    const auto test = gray_dataset({9, 2, 8, 5});
    const auto hashes = content_hashes(*train);
    EXPECT_EQ(hashes[1], hashes[5]);
    EXPECT_NE(hashes[0], hashes[1]);

    const auto duplicates = find_cross_split_duplicates(*train, *test);
    ASSERT_EQ(duplicates.size(), 3u); // train 1 and 5 equal test 1; train 4 equals test 3
    EXPECT_EQ(duplicates[0].first_index, 1);
    EXPECT_EQ(duplicates[0].second_index, 1);
    EXPECT_EQ(duplicates[1].first_index, 4);
    EXPECT_EQ(duplicates[1].second_index, 3);
    EXPECT_EQ(duplicates[2].first_index, 5);
    EXPECT_EQ(leaked_indices(*train, *test), (std::vector<std::int64_t>{1, 4, 5}));
}

TEST(Leakage, RandomSplitOfDistinctImagesLeaksNothing) {
    const auto parts = random_split(distinct_dataset(60), {40, 20}, 3);
    EXPECT_TRUE(find_cross_split_duplicates(*parts[0], *parts[1]).empty());
}

TEST(ChannelStatistics, MatchesHandComputedMeanAndStd) {
    // Pixels 0 and 255 in equal numbers: mean 0.5, population std 0.5.
    const auto statistics = channel_statistics(*gray_dataset({0, 255, 0, 255}));
    ASSERT_EQ(statistics.mean.size(), 1u);
    EXPECT_DOUBLE_EQ(statistics.mean[0], 0.5);
    EXPECT_NEAR(statistics.standard_deviation[0], 0.5, 1e-12);
}
