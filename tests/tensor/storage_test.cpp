#include <gtest/gtest.h>

#include "tensor/storage.hpp"
#include "tensor/tensor.hpp"

using namespace kindling;

// A freed large block is handed out again for the same size, so a training
// step's repeated activations do not page-fault fresh memory every time.
TEST(Storage, LargeBlocksAreReusedForTheSameSize) {
    const void* first_block = nullptr;
    {
        Tensor big = empty({1 << 20}); // 4 MB
        first_block = big.data<float>();
    }
    EXPECT_GE(cached_storage_bytes(), std::size_t{4} << 20);
    Tensor again = empty({1 << 20});
    EXPECT_EQ(again.data<float>(), first_block);
}

TEST(Storage, BlocksAreAlignedForVectorLoads) {
    for (std::int64_t count : {1, 3, 1000, 1 << 20}) {
        Tensor t = empty({count});
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data<float>()) % Storage::alignment, 0u) << count;
    }
}
