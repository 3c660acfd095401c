// ImageFolder: listing, decoding and resizing, caching, and unreadable files.
#include <gtest/gtest.h>

#include <unistd.h>

#include "datasets/data_files.hpp"
#include "datasets/image_folder.hpp"
#include "test_files.hpp"

using namespace kindling::datasets;
using namespace kindling::datasets::testing;

namespace {

// root/bird/{b.png, a.bmp}, root/ant/a.jpg: classes ant = 0, bird = 1.
void write_small_folder(const std::filesystem::path& root) {
    write_solid_image(root / "bird" / "b.png", 20, 10, 200, 100, 50);
    write_solid_image(root / "bird" / "a.BMP", 7, 9, 10, 20, 30);
    write_solid_image(root / "ant" / "a.jpg", 16, 16, 0, 255, 0);
    write_bytes(root / "ant" / "notes.txt", {'h', 'i'}); // not an image: ignored
}

// A JPEG whose header reads fine but whose data stops halfway.
void write_truncated_jpeg(const std::filesystem::path& path) {
    write_solid_image(path, 40, 30, 90, 90, 90);
    auto bytes = read_file_bytes(path, "test");
    bytes.resize(bytes.size() / 2);
    write_bytes(path, bytes);
}

} // namespace

TEST(ImageFolder, ListsClassesSortedAndResizesToFixedSize) {
    TempDir dir;
    write_small_folder(dir.path());
    const ImageFolder folder(dir.path(), {.height = 8, .width = 6});
    EXPECT_EQ(folder.class_names(), (std::vector<std::string>{"ant", "bird"}));
    ASSERT_EQ(folder.size(), 3);
    EXPECT_EQ(folder.path(1).filename(), "a.BMP"); // files sorted by name within a class
    EXPECT_EQ(folder.label(0), 0);
    EXPECT_EQ(folder.label(2), 1);
    EXPECT_EQ(folder.image_shape(), (ImageShape{8, 6, 3}));

    std::vector<std::uint8_t> scratch;
    // A solid colour stays that colour through resizing; PNG and BMP are lossless.
    const ImageView png = folder.image(2, scratch);
    EXPECT_EQ(png.shape, (ImageShape{8, 6, 3}));
    for (const auto& [y, x] : {std::pair{0, 0}, {7, 5}, {3, 2}}) {
        EXPECT_EQ(png.at(y, x, 0), 200);
        EXPECT_EQ(png.at(y, x, 1), 100);
        EXPECT_EQ(png.at(y, x, 2), 50);
    }
    const ImageView bmp = folder.image(1, scratch);
    EXPECT_EQ(bmp.at(4, 4, 2), 30);
    const ImageView jpg = folder.image(0, scratch);
    EXPECT_NEAR(jpg.at(4, 4, 1), 255, 3); // JPEG is lossy
    EXPECT_NEAR(jpg.at(4, 4, 0), 0, 3);
}

TEST(ImageFolder, GrayscaleGivesOneChannelOfLuma) {
    TempDir dir;
    write_solid_image(dir / "only" / "x.png", 5, 5, 255, 255, 255);
    const ImageFolder folder(dir.path(), {.height = 4, .width = 4, .grayscale = true});
    std::vector<std::uint8_t> scratch;
    const ImageView image = folder.image(0, scratch);
    EXPECT_EQ(image.shape, (ImageShape{4, 4, 1}));
    EXPECT_EQ(image.at(2, 2, 0), 255);
}

TEST(ImageFolder, CacheKeepsDecodedPixelsAfterFirstRead) {
    TempDir dir;
    write_small_folder(dir.path());
    const ImageFolder folder(dir.path(), {.height = 8, .width = 8, .cache = true});
    std::vector<std::uint8_t> scratch;
    const std::vector<std::uint8_t> first(folder.image(2, scratch).pixels, folder.image(2, scratch).pixels + 8 * 8 * 3);
    // The file is gone, yet the cached pixels are still served, from the cache's own buffer.
    std::filesystem::remove(dir / "bird" / "b.png");
    const ImageView again = folder.image(2, scratch);
    EXPECT_TRUE(scratch.empty());
    EXPECT_EQ(std::vector<std::uint8_t>(again.pixels, again.pixels + 8 * 8 * 3), first);
    // Not yet decoded and now unreadable: the error names the file.
    std::filesystem::remove(dir / "bird" / "a.BMP");
    const std::string message = error_of([&] { folder.image(1, scratch); });
    EXPECT_NE(message.find("a.BMP"), std::string::npos) << message;
}

TEST(ImageFolder, UnreadableFilesAreListedOrSkippedOnRequest) {
    TempDir dir;
    write_small_folder(dir.path());
    write_bytes(dir / "ant" / "zero.jpg", {});
    write_bytes(dir / "bird" / "text.png", {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});

    const std::string message = error_of([&] { ImageFolder(dir.path(), {}); });
    EXPECT_NE(message.find("2 unreadable image file(s)"), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "ant" / "zero.jpg").string() + ": empty file (0 bytes)"), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "bird" / "text.png").string()), std::string::npos) << message;
    EXPECT_NE(message.find("skip_unreadable"), std::string::npos) << message;

    const ImageFolder skipping(dir.path(), {.skip_unreadable = true});
    EXPECT_EQ(skipping.size(), 3);
    ASSERT_EQ(skipping.skipped().size(), 2u);
    EXPECT_EQ(skipping.skipped()[0].path.filename(), "zero.jpg");
}

TEST(ImageFolder, CorruptJpegFailsAtDecodeWithItsPath) {
    TempDir dir;
    write_truncated_jpeg(dir / "cat" / "broken.jpg");
    const ImageFolder folder(dir.path(), {.height = 8, .width = 8}); // the header is fine
    std::vector<std::uint8_t> scratch;
    const std::string message = error_of([&] { folder.image(0, scratch); });
    EXPECT_NE(message.find("cannot decode " + (dir / "cat" / "broken.jpg").string()), std::string::npos) << message;
}

TEST(ImageFolder, EmptyClassFolderIsAnError) {
    TempDir dir;
    write_small_folder(dir.path());
    std::filesystem::create_directories(dir / "cow");
    const std::string message = error_of([&] { ImageFolder(dir.path(), {}); });
    EXPECT_NE(message.find("class folder " + (dir / "cow").string() + " holds no images"), std::string::npos) << message;
}

TEST(ImageFolder, MissingOrInvalidRootIsExplained) {
    TempDir dir;
    EXPECT_THROW(ImageFolder(dir / "absent", {}), DataNotFoundError);
    const std::string absent = error_of([&] { ImageFolder(dir / "absent", {}); });
    EXPECT_NE(absent.find("--data-dir"), std::string::npos) << absent;

    write_bytes(dir / "file", {1});
    const std::string not_folder = error_of([&] { ImageFolder(dir / "file", {}); });
    EXPECT_NE(not_folder.find("is not a folder"), std::string::npos) << not_folder;

    const std::string no_classes = error_of([&] { ImageFolder(dir.path(), {}); });
    EXPECT_NE(no_classes.find("has no class sub-folders"), std::string::npos) << no_classes;
}

TEST(ImageFolder, UnlistableFolderIsReported) {
    if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not stop root from listing a folder";
    TempDir dir;
    write_small_folder(dir.path());
    std::filesystem::permissions(dir / "bird", std::filesystem::perms::none);
    const std::string message = error_of([&] { ImageFolder(dir.path(), {}); });
    std::filesystem::permissions(dir / "bird", std::filesystem::perms::owner_all);
    EXPECT_NE(message.find("cannot list folder " + (dir / "bird").string()), std::string::npos) << message;
}
