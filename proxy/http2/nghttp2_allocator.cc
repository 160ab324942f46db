#include "proxy/http2/nghttp2_allocator.h"

#include <cstdlib>
#include <cstring>

namespace weft::http2 {
namespace {

// Precedes every block; 16 bytes keep malloc's alignment for the user part.
struct alignas(16) BlockHeader {
  size_t capacity;  // usable bytes after the header
  size_t size_class;  // index of the free list, or kUncached
};
constexpr size_t kUncached = ~size_t{0};

BlockHeader* HeaderOf(void* ptr) { return static_cast<BlockHeader*>(ptr) - 1; }
void* UserPart(BlockHeader* header) { return header + 1; }

}  // namespace

Nghttp2Allocator::~Nghttp2Allocator() {
  for (FreeBlock*& head : free_) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      std::free(HeaderOf(head));
      head = next;
    }
  }
}

nghttp2_mem Nghttp2Allocator::mem() {
  nghttp2_mem m{};
  m.mem_user_data = this;
  m.malloc = [](size_t size, void* self) {
    return static_cast<Nghttp2Allocator*>(self)->Allocate(size);
  };
  m.free = [](void* ptr, void* self) { static_cast<Nghttp2Allocator*>(self)->Free(ptr); };
  m.calloc = [](size_t count, size_t size, void* self) {
    return static_cast<Nghttp2Allocator*>(self)->AllocateZeroed(count, size);
  };
  m.realloc = [](void* ptr, size_t size, void* self) {
    return static_cast<Nghttp2Allocator*>(self)->Reallocate(ptr, size);
  };
  return m;
}

void* Nghttp2Allocator::Allocate(size_t size) {
  if (size == 0) size = 1;
  if (size <= kMaxCachedSize) {
    const size_t cls = (size - 1) / kGranule;
    if (FreeBlock* block = free_[cls]) {
      free_[cls] = block->next;
      cached_bytes_ -= (cls + 1) * kGranule;
      return block;
    }
    auto* header = static_cast<BlockHeader*>(std::malloc(sizeof(BlockHeader) + (cls + 1) * kGranule));
    if (header == nullptr) return nullptr;
    header->capacity = (cls + 1) * kGranule;
    header->size_class = cls;
    return UserPart(header);
  }
  if (size > SIZE_MAX - sizeof(BlockHeader)) return nullptr;
  auto* header = static_cast<BlockHeader*>(std::malloc(sizeof(BlockHeader) + size));
  if (header == nullptr) return nullptr;
  header->capacity = size;
  header->size_class = kUncached;
  return UserPart(header);
}

void Nghttp2Allocator::Free(void* ptr) {
  if (ptr == nullptr) return;
  BlockHeader* header = HeaderOf(ptr);
  if (header->size_class == kUncached || cached_bytes_ + header->capacity > kMaxCachedBytes) {
    std::free(header);
    return;
  }
  auto* block = static_cast<FreeBlock*>(ptr);
  block->next = free_[header->size_class];
  free_[header->size_class] = block;
  cached_bytes_ += header->capacity;
}

void* Nghttp2Allocator::Reallocate(void* ptr, size_t size) {
  if (ptr == nullptr) return Allocate(size);
  const size_t capacity = HeaderOf(ptr)->capacity;
  if (size != 0 && size <= capacity) return ptr;
  void* moved = Allocate(size);
  if (moved == nullptr) return nullptr;  // `ptr` stays valid, as with realloc
  std::memcpy(moved, ptr, capacity < size ? capacity : size);
  Free(ptr);
  return moved;
}

void* Nghttp2Allocator::AllocateZeroed(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  void* ptr = Allocate(count * size);
  if (ptr != nullptr) std::memset(ptr, 0, count * size);
  return ptr;
}

}  // namespace weft::http2
