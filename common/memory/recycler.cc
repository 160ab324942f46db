#include "common/memory/recycler.h"

#include <new>

namespace weft::memory {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRecycle = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif
#else
constexpr bool kRecycle = true;
#endif

constexpr size_t kSmallGranule = 256;
constexpr size_t kSmallLimit = 4096;
constexpr size_t kSmallClasses = kSmallLimit / kSmallGranule;  // 256 B .. 4 KiB
constexpr size_t kLargeClasses = 4;                             // 8, 16, 32, 64 KiB
constexpr size_t kClasses = kSmallClasses + kLargeClasses;
static_assert(kSmallLimit << kLargeClasses == kMaxRecycledSize);

// Index of the class of `size` (1 <= size <= kMaxRecycledSize).
inline size_t ClassOf(size_t size) {
  if (size <= kSmallLimit) return (size - 1) / kSmallGranule;
  // 4097..8192 -> the first large class, and so on: by the highest bit of size - 1.
  const size_t log2 = 63 - static_cast<size_t>(__builtin_clzll(size - 1));
  return kSmallClasses + log2 - 12;
}
static_assert(kSmallLimit == size_t{1} << 12);

inline size_t CapacityOf(size_t cls) {
  if (cls < kSmallClasses) return (cls + 1) * kSmallGranule;
  return kSmallLimit << (cls - kSmallClasses + 1);
}

struct FreeBlock {
  FreeBlock* next;
};

// The calling thread's lists; what they hold goes back at thread exit. A
// block freed after that (by a later thread-exit or static destructor) goes
// straight to operator delete.
struct FreeLists {
  FreeBlock* head[kClasses] = {};
  size_t cached_bytes = 0;
  bool open = true;

  ~FreeLists() {
    open = false;
    for (FreeBlock*& h : head) {
      while (h != nullptr) {
        FreeBlock* next = h->next;
        ::operator delete(h);
        h = next;
      }
    }
    cached_bytes = 0;
  }
};

FreeLists& Lists() {
  thread_local FreeLists lists;
  return lists;
}

}  // namespace

size_t RecycledCapacity(size_t size) {
  if (size == 0) size = 1;
  if (size > kMaxRecycledSize) return size;
  return CapacityOf(ClassOf(size));
}

void* Allocate(size_t size) {
  if (size == 0) size = 1;
  if (size > kMaxRecycledSize) return ::operator new(size);
  const size_t cls = ClassOf(size);
  const size_t capacity = CapacityOf(cls);
  if (kRecycle) {
    FreeLists& lists = Lists();
    if (FreeBlock* block = lists.open ? lists.head[cls] : nullptr) {
      lists.head[cls] = block->next;
      lists.cached_bytes -= capacity;
      return block;
    }
  }
  return ::operator new(capacity);
}

void Free(void* block, size_t size) {
  if (block == nullptr) return;
  if (size == 0) size = 1;
  if (kRecycle && size <= kMaxRecycledSize) {
    FreeLists& lists = Lists();
    const size_t cls = ClassOf(size);
    const size_t capacity = CapacityOf(cls);
    if (lists.open && lists.cached_bytes + capacity <= kMaxCachedBytes) {
      auto* free_block = static_cast<FreeBlock*>(block);
      free_block->next = lists.head[cls];
      lists.head[cls] = free_block;
      lists.cached_bytes += capacity;
      return;
    }
  }
  ::operator delete(block);
}

size_t CachedBytesOnThisThread() { return Lists().cached_bytes; }

bool Recycles() { return kRecycle; }

}  // namespace weft::memory
