// IDX files (MNIST / Fashion-MNIST), plain and gzipped, and their bad forms.
#include <gtest/gtest.h>


#include "datasets/mnist.hpp"
#include "test_files.hpp"

using namespace kindling::datasets;
using namespace kindling::datasets::testing;

namespace {

// n images of 2x3 whose pixel values count up from the image index.
std::vector<std::uint8_t> counting_pixels(int n) {
    std::vector<std::uint8_t> values;
    for (int i = 0; i < n * 6; ++i) values.push_back(static_cast<std::uint8_t>(i));
    return values;
}

} // namespace

TEST(Idx, ReadsPlainAndGzippedFilesAlike) {
    TempDir dir;
    const auto bytes = idx_bytes({4, 2, 3}, counting_pixels(4));
    write_bytes(dir / "images", bytes);
    write_gzip(dir / "images.gz", bytes);
    const IdxArray plain = read_idx_file(dir / "images", 3);
    const IdxArray gzipped = read_idx_file(dir / "images.gz", 3);
    EXPECT_EQ(plain.sizes, (std::vector<std::int64_t>{4, 2, 3}));
    EXPECT_EQ(plain.values, counting_pixels(4));
    EXPECT_EQ(gzipped.sizes, plain.sizes);
    EXPECT_EQ(gzipped.values, plain.values);
}

TEST(Idx, DatasetIsOneChannelWithLabels) {
    TempDir dir;
    write_gzip(dir / "images.gz", idx_bytes({3, 2, 3}, counting_pixels(3)));
    write_gzip(dir / "labels.gz", idx_bytes({3}, {7, 0, 9}));
    const auto dataset = read_idx_dataset(dir / "images.gz", dir / "labels.gz", mnist_class_names());
    EXPECT_EQ(dataset->image_shape(), (ImageShape{2, 3, 1}));
    EXPECT_EQ(dataset->labels(), (std::vector<std::int64_t>{7, 0, 9}));
    EXPECT_EQ(dataset->image(2).at(1, 2, 0), 2 * 6 + 5);
}

TEST(Idx, WrongMagicNumberIsReported) {
    TempDir dir;
    write_gzip(dir / "labels.gz", idx_bytes({3}, {1, 2, 3}));
    const std::string message = error_of([&] { read_idx_file(dir / "labels.gz", 3); });
    EXPECT_NE(message.find("labels.gz"), std::string::npos) << message;
    EXPECT_NE(message.find("0x00000801, expected 0x00000803"), std::string::npos) << message;
}

TEST(Idx, HeaderDisagreeingWithFileSizeIsReported) {
    TempDir dir;
    auto bytes = idx_bytes({4, 2, 3}, counting_pixels(4));
    bytes.resize(bytes.size() - 5);
    write_bytes(dir / "short", bytes);
    const std::string short_message = error_of([&] { read_idx_file(dir / "short", 3); });
    EXPECT_NE(short_message.find("header says 4x2x3 = 24 bytes"), std::string::npos) << short_message;
    EXPECT_NE(short_message.find("has 19"), std::string::npos) << short_message;
    EXPECT_NE(short_message.find("cut short at byte 35"), std::string::npos) << short_message;

    bytes = idx_bytes({1, 2, 3}, counting_pixels(2));
    write_bytes(dir / "long", bytes);
    const std::string long_message = error_of([&] { read_idx_file(dir / "long", 3); });
    EXPECT_NE(long_message.find("extra bytes"), std::string::npos) << long_message;

    // Sizes whose product overflows 64 bits must still be an error, not undefined behaviour.
    write_bytes(dir / "huge", idx_bytes({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {1, 2, 3}));
    EXPECT_THROW(read_idx_file(dir / "huge", 3), std::runtime_error);
}

TEST(Idx, TruncatedGzipIsReported) {
    TempDir dir;
    write_gzip(dir / "images.gz", idx_bytes({50, 2, 3}, counting_pixels(50)));
    auto bytes = read_file_bytes(dir / "images.gz", "test");
    bytes.resize(bytes.size() / 2);
    write_bytes(dir / "cut.gz", bytes);
    const std::string message = error_of([&] { read_idx_file(dir / "cut.gz", 3); });
    EXPECT_NE(message.find("cut.gz"), std::string::npos) << message;
    EXPECT_NE(message.find("corrupt gzip"), std::string::npos) << message;
}

TEST(Idx, LabelCountOrValueMismatchIsReported) {
    TempDir dir;
    write_bytes(dir / "images", idx_bytes({3, 2, 3}, counting_pixels(3)));
    write_bytes(dir / "two_labels", idx_bytes({2}, {1, 2}));
    write_bytes(dir / "bad_label", idx_bytes({3}, {1, 12, 2}));
    const std::string count = error_of([&] { read_idx_dataset(dir / "images", dir / "two_labels", mnist_class_names()); });
    EXPECT_NE(count.find("holds 3 images but"), std::string::npos) << count;
    EXPECT_NE(count.find("holds 2 labels"), std::string::npos) << count;
    const std::string value = error_of([&] { read_idx_dataset(dir / "images", dir / "bad_label", mnist_class_names()); });
    EXPECT_NE(value.find("label at byte 9"), std::string::npos) << value;
    EXPECT_NE(value.find("is 12, expected 0..9"), std::string::npos) << value;
}

TEST(FashionMnist, LoadsFolderWithBuiltInClassNames) {
    TempDir dir;
    write_gzip(dir / "t10k-images-idx3-ubyte.gz", idx_bytes({2, 2, 3}, counting_pixels(2)));
    write_bytes(dir / "t10k-labels-idx1-ubyte", idx_bytes({2}, {9, 0})); // plain works too
    const auto test = load_fashion_mnist(Split::Test, dir.path());
    EXPECT_EQ(test->size(), 2);
    EXPECT_EQ(test->class_names()[test->label(0)], "Ankle boot");
    EXPECT_EQ(test->class_names()[test->label(1)], "T-shirt/top");
}

TEST(FashionMnist, MissingFilesSuggestTheDebianPackage) {
    TempDir dir;
    const std::string message = error_of([&] { load_fashion_mnist(Split::Train, dir.path()); });
    EXPECT_NE(message.find("train-images-idx3-ubyte"), std::string::npos) << message;
    EXPECT_NE(message.find("apt-get install dataset-fashion-mnist"), std::string::npos) << message;
    EXPECT_NE(message.find("--data-dir"), std::string::npos) << message;
}
