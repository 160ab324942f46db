#ifndef WEFT_PROXY_HTTP2_NGHTTP2_ALLOCATOR_H_
#define WEFT_PROXY_HTTP2_NGHTTP2_ALLOCATOR_H_

// The memory functions one nghttp2 session allocates through: small blocks are
// kept on per-size free lists and handed out again, because nghttp2 allocates
// and frees the same few objects for every stream (the stream, its outbound
// items, the copied header list: about eight malloc/free pairs per request,
// ~1.3k instructions in glibc). Blocks above kMaxCachedSize, and blocks
// freed while the cache holds kMaxCachedBytes already, go to malloc/free.
// So the cache never holds more than kMaxCachedBytes, and never more than the
// session had in use at once.
//
// Usage:
//   Nghttp2Allocator allocator;           // must outlive the session
//   nghttp2_mem mem = allocator.mem();
//   nghttp2_session_server_new3(&session, callbacks, user, options, &mem);
//
// Thread-compatible: the owning session's thread only.

#include <cstddef>
#include <cstdint>

#include <nghttp2/nghttp2.h>

namespace weft::http2 {

class Nghttp2Allocator {
 public:
  static constexpr size_t kGranule = 64;  // size classes: 64, 128, ... bytes
  static constexpr size_t kMaxCachedSize = 1024;
  static constexpr size_t kMaxCachedBytes = 64 * 1024;

  Nghttp2Allocator() = default;
  ~Nghttp2Allocator();
  Nghttp2Allocator(const Nghttp2Allocator&) = delete;
  Nghttp2Allocator& operator=(const Nghttp2Allocator&) = delete;

  // The table to pass to nghttp2_session_*_new3 (nghttp2 copies it).
  nghttp2_mem mem();

  void* Allocate(size_t size);
  void Free(void* ptr);
  void* Reallocate(void* ptr, size_t size);
  void* AllocateZeroed(size_t count, size_t size);

  // Bytes of free blocks held for reuse (for tests).
  size_t cached_bytes() const { return cached_bytes_; }

 private:
  static constexpr size_t kClasses = kMaxCachedSize / kGranule;
  struct FreeBlock {
    FreeBlock* next;
  };
  FreeBlock* free_[kClasses] = {};
  size_t cached_bytes_ = 0;
};

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_NGHTTP2_ALLOCATOR_H_
