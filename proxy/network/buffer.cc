#include "proxy/network/buffer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace weft::network {

char* Buffer::ReserveSlow(size_t n) {
  const size_t used = size();
  if (begin_ > 0 && capacity_ - used >= n && used <= capacity_ / 2) {
    // Enough room once the drained front is reclaimed.
    std::memmove(storage_, storage_ + begin_, used);
  } else {
    size_t new_capacity = std::max<size_t>(capacity_ * 2, 16 * 1024);
    while (new_capacity - used < n) new_capacity *= 2;
    char* grown = memory::AllocateBytes(&new_capacity);
    if (used > 0) std::memcpy(grown, storage_ + begin_, used);
    memory::FreeBytes(storage_, capacity_);
    storage_ = grown;
    capacity_ = new_capacity;
  }
  begin_ = 0;
  end_ = used;
  return storage_ + end_;
}

void Buffer::Drain(size_t n) {
  begin_ += std::min(n, size());
  if (begin_ == end_) begin_ = end_ = 0;
}

void Buffer::Move(Buffer& other) {
  if (empty() && begin_ == 0 && other.capacity_ >= capacity_) {
    // Steal the storage instead of copying.
    std::swap(storage_, other.storage_);
    std::swap(capacity_, other.capacity_);
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
    other.Clear();
    return;
  }
  Append(other.data(), other.size());
  other.Clear();
}

ssize_t Buffer::ReadFrom(int fd, size_t max) {
  char* dst = Reserve(max);
  ssize_t n = ::read(fd, dst, std::min(max, capacity_left()));
  if (n > 0) Commit(static_cast<size_t>(n));
  return n;
}

ssize_t Buffer::WriteTo(int fd) {
  ssize_t n = ::send(fd, data(), size(), MSG_NOSIGNAL);
  if (n > 0) Drain(static_cast<size_t>(n));
  return n;
}

}  // namespace weft::network
