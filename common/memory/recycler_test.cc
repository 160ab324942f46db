#include "common/memory/recycler.h"

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace weft::memory {
namespace {

TEST(RecyclerTest, CapacityRoundsUpToItsClass) {
  EXPECT_EQ(RecycledCapacity(0), 256u);
  EXPECT_EQ(RecycledCapacity(1), 256u);
  EXPECT_EQ(RecycledCapacity(256), 256u);
  EXPECT_EQ(RecycledCapacity(257), 512u);
  EXPECT_EQ(RecycledCapacity(4096), 4096u);
  EXPECT_EQ(RecycledCapacity(4097), 8192u);
  EXPECT_EQ(RecycledCapacity(16 * 1024), 16u * 1024);
  EXPECT_EQ(RecycledCapacity(16 * 1024 + 1), 32u * 1024);
  EXPECT_EQ(RecycledCapacity(kMaxRecycledSize), kMaxRecycledSize);
  // Above the largest class: exactly what was asked for.
  EXPECT_EQ(RecycledCapacity(kMaxRecycledSize + 1), kMaxRecycledSize + 1);
}

TEST(RecyclerTest, AFreedBlockIsHandedOutAgainForTheSameClass) {
  if (!Recycles()) GTEST_SKIP() << "AddressSanitizer build: blocks are not recycled";
  const size_t before = CachedBytesOnThisThread();
  void* a = Allocate(1500);
  std::memset(a, 0xab, RecycledCapacity(1500));  // the whole class is usable
  Free(a, 1500);
  EXPECT_EQ(CachedBytesOnThisThread(), before + 1536);
  // Another size of the same class gets the same block back ...
  void* b = Allocate(1300);
  EXPECT_EQ(b, a);
  EXPECT_EQ(CachedBytesOnThisThread(), before);
  // ... another class does not.
  void* c = Allocate(3000);
  EXPECT_NE(c, a);
  Free(b, 1300);
  Free(c, 3000);
}

TEST(RecyclerTest, ByteBuffersUseTheWholeRoundedCapacity) {
  size_t capacity = 10000;
  char* bytes = AllocateBytes(&capacity);
  EXPECT_EQ(capacity, 16u * 1024);
  std::memset(bytes, 1, capacity);
  FreeBytes(bytes, capacity);
  FreeBytes(nullptr, 123);  // no-op
}

TEST(RecyclerTest, BlocksAboveTheLargestClassAreNotCached) {
  const size_t before = CachedBytesOnThisThread();
  void* big = Allocate(kMaxRecycledSize + 1);
  Free(big, kMaxRecycledSize + 1);
  EXPECT_EQ(CachedBytesOnThisThread(), before);
}

TEST(RecyclerTest, AThreadNeverCachesMoreThanTheLimit) {
  if (!Recycles()) GTEST_SKIP() << "AddressSanitizer build: blocks are not recycled";
  std::thread worker([] {
    std::vector<void*> blocks;
    const size_t n = 2 * kMaxCachedBytes / kMaxRecycledSize;
    for (size_t i = 0; i < n; ++i) blocks.push_back(Allocate(kMaxRecycledSize));
    for (void* b : blocks) Free(b, kMaxRecycledSize);
    EXPECT_EQ(CachedBytesOnThisThread(), kMaxCachedBytes);
  });
  worker.join();
}

TEST(RecyclerTest, EachThreadHasItsOwnLists) {
  if (!Recycles()) GTEST_SKIP() << "AddressSanitizer build: blocks are not recycled";
  void* mine = Allocate(700);
  Free(mine, 700);
  void* theirs = nullptr;
  std::thread other([&] {
    EXPECT_EQ(CachedBytesOnThisThread(), 0u);
    theirs = Allocate(700);
    Free(theirs, 700);
  });
  other.join();
  EXPECT_NE(theirs, mine);  // the other thread could not take this thread's block
  void* again = Allocate(700);
  EXPECT_EQ(again, mine);
  Free(again, 700);
}

// A thread-local destroyed after the thread's free lists (it was made
// before them, so it dies after them) still frees its block: the block goes
// to operator delete instead of into lists that are gone.
struct FreesAtThreadExit {
  void* block = nullptr;
  ~FreesAtThreadExit() { Free(block, 2000); }
};

TEST(RecyclerTest, BlocksFreedAfterTheThreadsListsAreGoneAreDeleted) {
  std::thread worker([] {
    thread_local FreesAtThreadExit late;  // constructed before the lists
    late.block = Allocate(2000);          // first use of the lists
    void* cached = Allocate(2000);
    Free(cached, 2000);  // held by the lists until thread exit
    EXPECT_EQ(CachedBytesOnThisThread(), Recycles() ? 2048u : 0u);
  });
  worker.join();  // no crash, and (under LeakSanitizer) no leak
}

struct Base : Recycled {
  virtual ~Base() = default;
  char small[100];
};
struct Derived : Base {
  char large[3000];
};

TEST(RecyclerTest, RecycledClassesDeleteWithTheirDynamicSize) {
  if (!Recycles()) GTEST_SKIP() << "AddressSanitizer build: blocks are not recycled";
  const size_t before = CachedBytesOnThisThread();
  std::unique_ptr<Base> d = std::make_unique<Derived>();
  void* where = d.get();
  d.reset();  // through the base pointer: the derived class's size
  EXPECT_EQ(CachedBytesOnThisThread(), before + RecycledCapacity(sizeof(Derived)));
  auto again = std::make_unique<Derived>();
  EXPECT_EQ(static_cast<void*>(again.get()), where);
  auto base = std::make_unique<Base>();
  EXPECT_NE(static_cast<void*>(base.get()), where);
}

}  // namespace
}  // namespace weft::memory
