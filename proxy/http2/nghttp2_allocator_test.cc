#include "proxy/http2/nghttp2_allocator.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace weft::http2 {
namespace {

TEST(Nghttp2AllocatorTest, FreedSmallBlockIsReusedForTheSameSizeClass) {
  Nghttp2Allocator a;
  void* first = a.Allocate(100);
  ASSERT_NE(first, nullptr);
  a.Free(first);
  EXPECT_EQ(a.cached_bytes(), 128u);
  EXPECT_EQ(a.Allocate(128), first);  // same class (65..128 bytes)
  EXPECT_EQ(a.cached_bytes(), 0u);
  a.Free(first);
}

TEST(Nghttp2AllocatorTest, OtherSizeClassGetsAnotherBlock) {
  Nghttp2Allocator a;
  void* small = a.Allocate(10);
  a.Free(small);
  void* bigger = a.Allocate(200);
  EXPECT_NE(bigger, small);
  EXPECT_EQ(a.cached_bytes(), 64u);
  a.Free(bigger);
}

TEST(Nghttp2AllocatorTest, BlocksAreAlignedAndUsable) {
  Nghttp2Allocator a;
  for (size_t size : {1u, 63u, 64u, 65u, 1024u, 1025u, 5000u}) {
    auto* p = static_cast<unsigned char*>(a.Allocate(size));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << size;
    std::memset(p, 0xab, size);
    a.Free(p);
  }
}

TEST(Nghttp2AllocatorTest, LargeBlocksAreNotCached) {
  Nghttp2Allocator a;
  a.Free(a.Allocate(Nghttp2Allocator::kMaxCachedSize + 1));
  EXPECT_EQ(a.cached_bytes(), 0u);
}

TEST(Nghttp2AllocatorTest, CacheIsBounded) {
  Nghttp2Allocator a;
  std::vector<void*> blocks;
  const size_t n = Nghttp2Allocator::kMaxCachedBytes / 1024 + 10;
  for (size_t i = 0; i < n; ++i) blocks.push_back(a.Allocate(1024));
  for (void* p : blocks) a.Free(p);
  EXPECT_EQ(a.cached_bytes(), Nghttp2Allocator::kMaxCachedBytes);
}

TEST(Nghttp2AllocatorTest, FreeNullIsANoOp) {
  Nghttp2Allocator a;
  a.Free(nullptr);
  EXPECT_EQ(a.cached_bytes(), 0u);
}

TEST(Nghttp2AllocatorTest, ZeroedAllocationIsZeroEvenWhenReused) {
  Nghttp2Allocator a;
  auto* dirty = static_cast<unsigned char*>(a.Allocate(48));
  std::memset(dirty, 0xff, 48);
  a.Free(dirty);
  auto* p = static_cast<unsigned char*>(a.AllocateZeroed(6, 8));
  ASSERT_EQ(p, dirty);
  for (int i = 0; i < 48; ++i) EXPECT_EQ(p[i], 0) << i;
  a.Free(p);
}

TEST(Nghttp2AllocatorTest, ZeroedAllocationRefusesOverflow) {
  Nghttp2Allocator a;
  EXPECT_EQ(a.AllocateZeroed(SIZE_MAX / 2, 4), nullptr);
}

TEST(Nghttp2AllocatorTest, ReallocateKeepsContentAcrossClassesAndToLarge) {
  Nghttp2Allocator a;
  auto* p = static_cast<unsigned char*>(a.Reallocate(nullptr, 40));
  for (int i = 0; i < 40; ++i) p[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(a.Reallocate(p, 64), p);  // fits its block
  p = static_cast<unsigned char*>(a.Reallocate(p, 300));
  for (int i = 0; i < 40; ++i) ASSERT_EQ(p[i], i);
  p = static_cast<unsigned char*>(a.Reallocate(p, 4000));
  for (int i = 0; i < 40; ++i) ASSERT_EQ(p[i], i);
  a.Free(p);
}

TEST(Nghttp2AllocatorTest, MemTableRoutesThroughTheAllocator) {
  Nghttp2Allocator a;
  nghttp2_mem mem = a.mem();
  void* p = mem.malloc(70, mem.mem_user_data);
  mem.free(p, mem.mem_user_data);
  EXPECT_EQ(a.cached_bytes(), 128u);
  void* z = mem.calloc(2, 50, mem.mem_user_data);
  EXPECT_EQ(z, p);
  z = mem.realloc(z, 2000, mem.mem_user_data);
  mem.free(z, mem.mem_user_data);
  EXPECT_EQ(a.cached_bytes(), 128u);
}

TEST(Nghttp2AllocatorTest, SessionRunsOnTheAllocator) {
  Nghttp2Allocator a;
  nghttp2_mem mem = a.mem();
  nghttp2_session_callbacks* cb = nullptr;
  ASSERT_EQ(nghttp2_session_callbacks_new(&cb), 0);
  nghttp2_session* session = nullptr;
  ASSERT_EQ(nghttp2_session_client_new3(&session, cb, nullptr, nullptr, &mem), 0);
  const nghttp2_nv nv[] = {
      {(uint8_t*)":method", (uint8_t*)"GET", 7, 3, 0},
      {(uint8_t*)":scheme", (uint8_t*)"http", 7, 4, 0},
      {(uint8_t*)":path", (uint8_t*)"/", 5, 1, 0},
      {(uint8_t*)":authority", (uint8_t*)"a", 10, 1, 0},
  };
  EXPECT_GT(nghttp2_submit_request(session, nullptr, nv, 4, nullptr, nullptr), 0);
  const uint8_t* out = nullptr;
  EXPECT_GT(nghttp2_session_mem_send(session, &out), 0);
  nghttp2_session_del(session);
  nghttp2_session_callbacks_del(cb);
  EXPECT_GT(a.cached_bytes(), 0u);  // the session's blocks came back to the cache
}

}  // namespace
}  // namespace weft::http2
