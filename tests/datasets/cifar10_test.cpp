// CIFAR-10 binary batches: layout, folder loading, class selection, bad files.
#include <gtest/gtest.h>

#include <tuple>

#include "datasets/cifar10.hpp"
#include "datasets/data_files.hpp"
#include "test_files.hpp"

using namespace kindling::datasets;
using namespace kindling::datasets::testing;

namespace {

// A fake release folder: each train batch holds `per_batch` records, the test batch 3.
void write_fake_cifar_folder(const std::filesystem::path& folder, int per_batch) {
    for (int batch = 1; batch <= 5; ++batch) {
        std::vector<std::uint8_t> bytes;
        for (int r = 0; r < per_batch; ++r) append_cifar_record(bytes, (batch + r) % 10, batch * 100 + r);
        write_bytes(folder / ("data_batch_" + std::to_string(batch) + ".bin"), bytes);
    }
    std::vector<std::uint8_t> test_bytes;
    for (int r = 0; r < 3; ++r) append_cifar_record(test_bytes, r, 7);
    write_bytes(folder / "test_batch.bin", test_bytes);
    const std::string names = cifar_class_names_text;
    write_bytes(folder / "batches.meta.txt", std::vector<std::uint8_t>(names.begin(), names.end()));
}

} // namespace

TEST(Cifar10, ReadsRecordsAsHwcWithLabels) {
    TempDir dir;
    std::vector<std::uint8_t> bytes;
    append_cifar_record(bytes, 3, 0);
    append_cifar_record(bytes, 9, 1);
    write_bytes(dir / "batch.bin", bytes);
    std::vector<std::string> names(10, "class");
    const auto dataset = read_cifar10_batches({dir / "batch.bin"}, names);

    ASSERT_EQ(dataset->size(), 2);
    EXPECT_EQ(dataset->image_shape(), (ImageShape{32, 32, 3}));
    EXPECT_EQ(dataset->label(0), 3);
    EXPECT_EQ(dataset->label(1), 9);
    // The record's planes [c][y][x] land at HWC position (y, x, c).
    for (const auto& [y, x, c] : {std::tuple{0, 0, 0}, {5, 17, 1}, {31, 31, 2}, {12, 0, 2}}) {
        EXPECT_EQ(dataset->image(1).at(y, x, c), cifar_test_pixel(9, y, x, c, 1)) << y << "," << x << "," << c;
    }
}

TEST(Cifar10, LoadsFolderSplitsAndClassNames) {
    TempDir dir;
    write_fake_cifar_folder(dir.path(), 4);
    const auto train = load_cifar10(dir.path(), Split::Train);
    const auto test = load_cifar10(dir.path(), Split::Test);
    EXPECT_EQ(train->size(), 20);
    EXPECT_EQ(test->size(), 3);
    ASSERT_EQ(train->num_classes(), 10);
    EXPECT_EQ(train->class_names()[3], "cat");
    EXPECT_EQ(train->class_names()[9], "truck");
    // Batch 2's first record follows batch 1's four.
    EXPECT_EQ(train->label(4), 2);
    EXPECT_EQ(train->image(4).at(0, 0, 0), cifar_test_pixel(2, 0, 0, 0, 200));
}

TEST(Cifar10, SelectClassesRelabelsInGivenOrder) {
    TempDir dir;
    std::vector<std::uint8_t> bytes;
    for (int label : {5, 3, 1, 3, 5, 0}) append_cifar_record(bytes, label, label);
    write_bytes(dir / "batch.bin", bytes);
    const std::string names = cifar_class_names_text;
    write_bytes(dir / "meta.txt", std::vector<std::uint8_t>(names.begin(), names.end()));
    const auto all = read_cifar10_batches({dir / "batch.bin"}, read_cifar10_class_names(dir / "meta.txt"));

    const auto cats_and_dogs = select_classes(*all, {"cat", "dog"});
    EXPECT_EQ(cats_and_dogs->class_names(), (std::vector<std::string>{"cat", "dog"}));
    EXPECT_EQ(cats_and_dogs->labels(), (std::vector<std::int64_t>{1, 0, 0, 1})); // dog cat cat dog
    EXPECT_EQ(cats_and_dogs->image(0).at(2, 3, 1), cifar_test_pixel(5, 2, 3, 1, 5));
    const std::string message = error_of([&] { select_classes(*all, {"cat", "wolf"}); });
    EXPECT_NE(message.find("'wolf'"), std::string::npos) << message;
    EXPECT_NE(message.find("airplane"), std::string::npos) << message;
}

TEST(Cifar10, TruncatedFileNamesFileAndOffset) {
    TempDir dir;
    std::vector<std::uint8_t> bytes;
    append_cifar_record(bytes, 1, 0);
    append_cifar_record(bytes, 2, 0);
    bytes.resize(bytes.size() - 100); // the second record is cut short
    write_bytes(dir / "short.bin", bytes);
    const std::string message = error_of([&] { read_cifar10_batches({dir / "short.bin"}, std::vector<std::string>(10)); });
    EXPECT_NE(message.find((dir / "short.bin").string()), std::string::npos) << message;
    EXPECT_NE(message.find("6046 bytes"), std::string::npos) << message;
    EXPECT_NE(message.find("3073"), std::string::npos) << message;
    EXPECT_NE(message.find("at byte 3073"), std::string::npos) << message;
}

TEST(Cifar10, ZeroByteFileIsAnError) {
    TempDir dir;
    write_bytes(dir / "empty.bin", {});
    const std::string message = error_of([&] { read_cifar10_batches({dir / "empty.bin"}, std::vector<std::string>(10)); });
    EXPECT_NE(message.find("empty.bin has 0 bytes"), std::string::npos) << message;
}

TEST(Cifar10, LabelByteOutOfRangeNamesOffset) {
    TempDir dir;
    std::vector<std::uint8_t> bytes;
    append_cifar_record(bytes, 1, 0);
    append_cifar_record(bytes, 10, 0);
    write_bytes(dir / "bad_label.bin", bytes);
    const std::string message =
        error_of([&] { read_cifar10_batches({dir / "bad_label.bin"}, std::vector<std::string>(10)); });
    EXPECT_NE(message.find("bad_label.bin"), std::string::npos) << message;
    EXPECT_NE(message.find("offset 3073 is 10, expected 0..9"), std::string::npos) << message;
}

TEST(Cifar10, MissingDataExplainsWhereToGetIt) {
    TempDir dir;
    const std::string no_folder = error_of([&] { load_cifar10(dir / "nowhere", Split::Train); });
    EXPECT_NE(no_folder.find("cs.toronto.edu/~kriz/cifar.html"), std::string::npos) << no_folder;
    EXPECT_NE(no_folder.find("binary version"), std::string::npos) << no_folder;
    EXPECT_NE(no_folder.find("--data-dir"), std::string::npos) << no_folder;
    EXPECT_THROW(load_cifar10(dir / "nowhere", Split::Test), DataNotFoundError);

    write_fake_cifar_folder(dir.path(), 1);
    std::filesystem::remove(dir / "data_batch_4.bin");
    const std::string missing_batch = error_of([&] { load_cifar10(dir.path(), Split::Train); });
    EXPECT_NE(missing_batch.find("data_batch_4.bin not found"), std::string::npos) << missing_batch;
}
