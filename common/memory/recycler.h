#ifndef WEFT_COMMON_MEMORY_RECYCLER_H_
#define WEFT_COMMON_MEMORY_RECYCLER_H_

// Per-thread free lists for the blocks a proxy makes and destroys once per
// request: the stream objects of both codecs and of the router, and the 16 KiB
// buffers a stream's body passes through. glibc serves blocks above 1 KiB
// from its bins (~250 instructions for malloc + free each); a recycled block
// costs a few. A block freed on one thread may be reused by that thread.
//
// Sizes up to 4 KiB round up to 256 bytes, larger ones up to 64 KiB to a power
// of two; above that, and once a thread caches kMaxCachedBytes, blocks go back
// to operator delete. So a thread never holds more than kMaxCachedBytes of
// free blocks. Under AddressSanitizer every block goes straight to operator
// new/delete, so that a use after free is still caught.
//
// Usage:
//   class ProxyStream : public memory::Recycled { ... };   // new/delete recycle
//   char* bytes = memory::AllocateBytes(&capacity);        // capacity rounded up
//   memory::FreeBytes(bytes, capacity);
//
// Thread-safe (each thread has its own lists).

#include <cstddef>

namespace weft::memory {

inline constexpr size_t kMaxRecycledSize = 64 * 1024;
inline constexpr size_t kMaxCachedBytes = 1024 * 1024;

// The size a block of `size` bytes really gets (its size class).
size_t RecycledCapacity(size_t size);

// A block of RecycledCapacity(size) bytes, aligned for any object.
void* Allocate(size_t size);
// `size` is the size passed to Allocate (or anything with the same capacity).
void Free(void* block, size_t size);

// Bytes this thread holds in its free lists (for tests and /stats).
size_t CachedBytesOnThisThread();
// False in AddressSanitizer builds, where nothing is recycled.
bool Recycles();

// Allocates `*capacity` bytes, first rounding `*capacity` up to its class, so
// that the caller may use all of it.
inline char* AllocateBytes(size_t* capacity) {
  *capacity = RecycledCapacity(*capacity);
  return static_cast<char*>(Allocate(*capacity));
}
inline void FreeBytes(char* bytes, size_t capacity) {
  if (bytes != nullptr) Free(bytes, capacity);
}

// Inherit (publicly) to have `new` and `delete` of the class and its derived
// classes go through the free lists. A class deleted through a base pointer
// needs a virtual destructor, as always: the sized delete then gets the
// dynamic type's size.
class Recycled {
 public:
  static void* operator new(size_t size) { return Allocate(size); }
  static void operator delete(void* block, size_t size) { Free(block, size); }
};

}  // namespace weft::memory

#endif  // WEFT_COMMON_MEMORY_RECYCLER_H_
