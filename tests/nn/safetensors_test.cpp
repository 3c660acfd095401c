// The safetensors reader and writer: round trips, an independent reader
// written here from the format description, and every kind of corrupt file.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "nn/safetensors.hpp"
#include "tensor/ops.hpp"

using namespace kindling;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), {}};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// A file in the format: 8-byte little-endian length, header, data.
std::string safetensors_bytes(const std::string& header, const std::string& data, std::uint64_t length) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
    return bytes + header + data;
}
std::string safetensors_bytes(const std::string& header, const std::string& data) {
    return safetensors_bytes(header, data, header.size());
}

} // namespace

// A fresh directory per test, removed afterwards (tests may run in parallel).
class Safetensors : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "kindling-safetensors-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        directory = pattern;
    }
    void TearDown() override { fs::remove_all(directory); }
    fs::path directory;
};

TEST_F(Safetensors, RoundTripsEveryDtypeShapeAndMetadata) {
    const Tensor matrix = tensor({{1.5, -2.0, 3.25}, {4.0, 5.0, -6.125}}).t(); // non-contiguous [3, 2]
    const Tensor scalar = scalar_tensor(0.1, DType::Float64);
    const Tensor labels = from_vector(std::vector<std::int64_t>{-1, 0, 7, std::int64_t{1} << 40});
    const Tensor nothing = zeros({0, 3});
    const std::string path = (directory / "all.safetensors").string();
    nn::write_safetensors(path, {{"matrix", matrix}, {"scalar", scalar}, {"labels", labels}, {"nothing", nothing}},
                          {{"epoch", "3"}, {"note", "héllo \"quoted\""}});

    const nn::SafetensorsFile file = nn::read_safetensors(path);
    ASSERT_EQ(file.tensors.size(), 4u);
    EXPECT_EQ(file.metadata, (nn::Metadata{{"epoch", "3"}, {"note", "héllo \"quoted\""}}));
    const std::vector<std::string> names{"matrix", "scalar", "labels", "nothing"};
    for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(file.tensors[i].first, names[i]);
    EXPECT_EQ(file.tensors[0].second.shape(), (Shape{3, 2}));
    EXPECT_EQ(file.tensors[0].second.to_vector<float>(), matrix.to_vector<float>());
    EXPECT_EQ(file.tensors[1].second.dtype(), DType::Float64);
    EXPECT_EQ(file.tensors[1].second.shape(), Shape{});
    EXPECT_EQ(file.tensors[1].second.item(), 0.1);
    EXPECT_EQ(file.tensors[2].second.to_vector<std::int64_t>(), labels.to_vector<std::int64_t>());
    EXPECT_EQ(file.tensors[3].second.shape(), (Shape{0, 3}));
}

// Reads a Kindling file with nothing but the format description, the way a
// 10-line Python json + struct reader does.
TEST_F(Safetensors, WrittenFileParsesWithAnIndependentReader) {
    const Tensor weight = tensor({{1.0, 2.0}, {3.0, 4.0}});
    const Tensor steps = from_vector(std::vector<std::int64_t>{5});
    const fs::path path = directory / "model.safetensors";
    nn::write_safetensors(path.string(), {{"weight", weight}, {"steps", steps}}, {{"format", "kindling"}});

    const std::string bytes = read_bytes(path);
    std::uint64_t header_length = 0;
    for (int i = 0; i < 8; ++i) header_length |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    EXPECT_EQ((8 + header_length) % 8, 0u) << "data should start 8-byte aligned";
    const json header = json::parse(bytes.substr(8, header_length));
    const std::string data = bytes.substr(8 + header_length);
    EXPECT_EQ(header["__metadata__"]["format"], "kindling");

    EXPECT_EQ(header["weight"]["dtype"], "F32");
    EXPECT_EQ(header["weight"]["shape"], json({2, 2}));
    const auto weight_range = header["weight"]["data_offsets"].get<std::vector<std::size_t>>();
    std::vector<float> weight_values(4);
    ASSERT_EQ(weight_range[1] - weight_range[0], sizeof(float) * 4);
    std::memcpy(weight_values.data(), data.data() + weight_range[0], sizeof(float) * 4);
    EXPECT_EQ(weight_values, (std::vector<float>{1, 2, 3, 4}));

    EXPECT_EQ(header["steps"]["dtype"], "I64");
    const auto steps_range = header["steps"]["data_offsets"].get<std::vector<std::size_t>>();
    std::int64_t step_value = 0;
    std::memcpy(&step_value, data.data() + steps_range[0], sizeof step_value);
    EXPECT_EQ(step_value, 5);
    EXPECT_EQ(data.size(), 16u + 8u);
}

TEST_F(Safetensors, WritingIsAtomicAndLeavesNoTemporaryFiles) {
    const std::string path = (directory / "checkpoint.safetensors").string();
    nn::write_safetensors(path, {{"a", tensor({1.0})}});
    const std::string first = read_bytes(path);
    // A failed write (duplicate name) leaves the old file as it was.
    EXPECT_THROW(nn::write_safetensors(path, {{"a", tensor({2.0})}, {"a", tensor({3.0})}}), std::invalid_argument);
    EXPECT_EQ(read_bytes(path), first);
    nn::write_safetensors(path, {{"a", tensor({2.0})}});
    EXPECT_EQ(nn::read_safetensors(path).tensors[0].second.item(), 2.0);
    EXPECT_EQ(std::distance(fs::directory_iterator(directory), fs::directory_iterator()), 1);
    try {
        nn::write_safetensors((directory / "missing" / "x.safetensors").string(), {{"a", tensor({1.0})}});
        FAIL() << "expected an error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("missing/x.safetensors"), std::string::npos) << error.what();
    }
}

TEST_F(Safetensors, CorruptFilesAreClearErrorsNamingTheFile) {
    const std::string eight_bytes(8, 'x');
    const std::string a_f32_2 = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    struct Case {
        const char* name;
        std::string bytes;
        const char* expected_in_message;
    };
    const std::vector<Case> cases = {
        {"too short", "abc", "too short"},
        {"huge header length", safetensors_bytes("{}", "", std::uint64_t{1} << 40), "header length"},
        {"header longer than file", safetensors_bytes("{}", "", 100), "does not fit"},
        {"header not JSON", safetensors_bytes("{not json", ""), "not valid JSON"},
        {"header not an object", safetensors_bytes("[1, 2]", ""), "not a JSON object"},
        {"unsupported dtype", safetensors_bytes(R"({"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", "xxxx"),
         "unsupported dtype 'BF16'"},
        {"negative size", safetensors_bytes(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight_bytes),
         "non-negative"},
        {"no offsets", safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2]}})", eight_bytes), "data_offsets"},
        {"span does not match shape",
         safetensors_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight_bytes), "should span 12"},
        {"offsets past the end (truncated)", safetensors_bytes("{" + a_f32_2 + "}", "xxxx"), "truncated"},
        {"trailing bytes", safetensors_bytes("{" + a_f32_2 + "}", eight_bytes + "xxxx"), "trailing"},
        {"overlap",
         safetensors_bytes("{" + a_f32_2 + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                           eight_bytes + "xxxx"),
         "overlap"},
        {"gap",
         safetensors_bytes("{" + a_f32_2 + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                           eight_bytes + eight_bytes),
         "gap"},
        {"metadata not strings", safetensors_bytes(R"({"__metadata__":{"epoch":3}})", ""), "not a string"},
    };
    for (const Case& test_case : cases) {
        SCOPED_TRACE(test_case.name);
        const fs::path path = directory / "corrupt.safetensors";
        write_bytes(path, test_case.bytes);
        try {
            nn::read_safetensors(path.string());
            ADD_FAILURE() << "expected an error";
        } catch (const std::runtime_error& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(path.string()), std::string::npos) << message;
            EXPECT_NE(message.find(test_case.expected_in_message), std::string::npos) << message;
        }
    }
    EXPECT_THROW(nn::read_safetensors((directory / "absent.safetensors").string()), std::runtime_error);
    EXPECT_THROW(nn::read_safetensors(directory.string()), std::runtime_error); // a directory
}
