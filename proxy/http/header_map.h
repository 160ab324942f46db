#ifndef WEFT_PROXY_HTTP_HEADER_MAP_H_
#define WEFT_PROXY_HTTP_HEADER_MAP_H_

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace weft::http {

// An ordered list of HTTP header fields kept in one arena string, so that a
// message's headers cost one allocation that is reused from request to request.
// Names compare case-insensitively; duplicates are kept in order.
// Thread-compatible.
class HeaderMap {
 public:
  void Add(absl::string_view name, absl::string_view value);
  // Replaces every field named `name` with one field.
  void Set(absl::string_view name, absl::string_view value);
  void Remove(absl::string_view name);
  // The first field named `name`.
  absl::optional<absl::string_view> Get(absl::string_view name) const;
  bool Has(absl::string_view name) const { return Get(name).has_value(); }
  // Forgets the fields, keeps the memory.
  void Clear();
  // Room for `fields` fields of `bytes` name+value bytes in all, so that a
  // codec that knows a typical head's size allocates once.
  void Reserve(size_t fields, size_t bytes);
  // Removes every field whose name equals one of `names` (case-insensitive),
  // in one pass over the fields: cheaper than one Remove() per name.
  void RemoveAll(std::initializer_list<absl::string_view> names);
  // Removes every field whose name satisfies `pred(name)`, in one pass.
  template <typename Pred>
  void RemoveIf(Pred&& pred) {
    for (Entry& e : entries_) {
      if (!e.removed && pred(absl::string_view(arena_.data() + e.name_offset, e.name_length))) {
        e.removed = true;
      }
    }
  }

  // Building a field from pieces, straight into the arena (for the parser):
  // StartField(), then AppendName() and AppendValue() as the bytes arrive.
  void StartField();
  void AppendName(const char* data, size_t n);
  void AppendValue(const char* data, size_t n);

  size_t size() const { return entries_.size(); }
  std::pair<absl::string_view, absl::string_view> at(size_t i) const {
    const Entry& e = entries_[i];
    return {absl::string_view(arena_.data() + e.name_offset, e.name_length),
            absl::string_view(arena_.data() + e.value_offset, e.value_length)};
  }
  // Bytes of names and values, for size limits.
  size_t byte_size() const { return arena_.size(); }
  // Bytes of names and values the map holds memory for (see Reserve).
  size_t byte_capacity() const { return arena_.capacity(); }

  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (!entries_[i].removed) {
        auto kv = at(i);
        f(kv.first, kv.second);
      }
    }
  }

 private:
  struct Entry {
    uint32_t name_offset;
    uint32_t name_length;
    uint32_t value_offset;
    uint32_t value_length;
    bool removed;
  };
  // The bytes of every name and value. Not std::string: an append here is an
  // inline capacity check and memcpy (std::string's is an out-of-line call),
  // and Add() makes two per field on every request.
  class Arena {
   public:
    Arena() = default;
    Arena(const Arena& other) { Append(other.data(), other.size()); }
    Arena& operator=(const Arena& other) {
      if (this != &other) {
        size_ = 0;
        Append(other.data(), other.size());
      }
      return *this;
    }
    Arena(Arena&& other) noexcept
        : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
      other.size_ = 0;
      other.capacity_ = 0;
    }
    Arena& operator=(Arena&& other) noexcept {
      data_ = std::move(other.data_);
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.size_ = 0;
      other.capacity_ = 0;
      return *this;
    }

    const char* data() const { return data_.get(); }
    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    void clear() { size_ = 0; }
    void reserve(size_t n) {
      if (n > capacity_) Grow(n);
    }
    void Append(const char* p, size_t n) {
      if (capacity_ - size_ < n) Grow(size_ + n);
      if (n > 0) std::memcpy(data_.get() + size_, p, n);
      size_ += n;
    }

   private:
    void Grow(size_t at_least);

    std::unique_ptr<char[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };

  Arena arena_;
  std::vector<Entry> entries_;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HEADER_MAP_H_
