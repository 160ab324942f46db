#include "proxy/network/buffer.h"

#include <string>

#include "gtest/gtest.h"

namespace weft::network {
namespace {

TEST(BufferTest, AppendDrainKeepsOrderAcrossGrowthAndCompaction) {
  Buffer b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece = std::to_string(i) + ",";
    b.Append(piece);
    expected += piece;
    if (i % 3 == 0) {
      size_t n = std::min<size_t>(7, b.size());
      b.Drain(n);
      expected.erase(0, n);
    }
  }
  EXPECT_EQ(b.view(), expected);
}

TEST(BufferTest, MoveTransfersEverythingAndEmptiesSource) {
  Buffer a, b;
  a.Append("hello ");
  b.Append("world");
  a.Move(b);
  EXPECT_EQ(a.view(), "hello world");
  EXPECT_TRUE(b.empty());
  Buffer c;
  c.Move(a);  // empty destination steals the storage
  EXPECT_EQ(c.view(), "hello world");
  EXPECT_TRUE(a.empty());
  a.Append("x");
  EXPECT_EQ(a.view(), "x");
}

TEST(BufferTest, DrainMoreThanSizeEmpties) {
  Buffer b;
  b.Append("abc");
  b.Drain(10);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace weft::network
