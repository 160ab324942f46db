#ifndef WEFT_PROXY_NETWORK_BUFFER_H_
#define WEFT_PROXY_NETWORK_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"
#include "common/memory/recycler.h"

namespace weft::network {

// A contiguous byte queue: append at the back, drain from the front. Contiguity
// keeps parsing simple (the HTTP parser sees one span); the storage is compacted
// lazily so that steady traffic neither copies nor allocates.
// Thread-compatible.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { memory::FreeBytes(storage_, capacity_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  size_t size() const { return end_ - begin_; }
  bool empty() const { return end_ == begin_; }
  const char* data() const { return storage_ + begin_; }
  absl::string_view view() const { return absl::string_view(data(), size()); }

  void Append(absl::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void Append(const char* bytes, size_t n) {
    if (n == 0) return;  // `bytes` may be null then; memcpy must not see it
    std::memcpy(Reserve(n), bytes, n);
    Commit(n);
  }
  // Moves all of `other` to the end of this buffer.
  void Move(Buffer& other);

  // Returns space for at least `n` more bytes at the back; Commit(k <= n) makes k
  // of them part of the buffer.
  char* Reserve(size_t n) {
    // Inline: encoders reserve once per field; the common case has room.
    if (capacity_ - end_ >= n) return storage_ + end_;
    return ReserveSlow(n);
  }
  void Commit(size_t n) { end_ += n; }
  size_t capacity_left() const { return capacity_ - end_; }

  void Drain(size_t n);
  void Clear() { begin_ = end_ = 0; }
  // Frees the storage of an empty buffer, so that an idle connection holds no
  // buffer memory (the next Reserve allocates again).
  void ReleaseIfEmpty() {
    if (end_ != begin_ || storage_ == nullptr) return;
    memory::FreeBytes(storage_, capacity_);
    storage_ = nullptr;
    capacity_ = begin_ = end_ = 0;
  }
  size_t capacity() const { return capacity_; }

  // Reads once from `fd` into the buffer (up to `max` bytes). Returns the read(2)
  // result: > 0 bytes read, 0 at end of stream, < 0 with errno set.
  ssize_t ReadFrom(int fd, size_t max);
  // Writes once from the front of the buffer to `fd` and drains what was written.
  ssize_t WriteTo(int fd);

 private:
  // Reserve() when the tail has no room: reclaims the drained front or grows.
  char* ReserveSlow(size_t n);

  // From common/memory/recycler.h: a stream's body buffer is made and freed per
  // request. `capacity_` is the size of the block.
  char* storage_ = nullptr;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_BUFFER_H_
