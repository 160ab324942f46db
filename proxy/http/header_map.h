#ifndef WEFT_PROXY_HTTP_HEADER_MAP_H_
#define WEFT_PROXY_HTTP_HEADER_MAP_H_

#include <cstdint>
#include <initializer_list>
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
  std::pair<absl::string_view, absl::string_view> at(size_t i) const;
  // Bytes of names and values, for size limits.
  size_t byte_size() const { return arena_.size(); }

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
  std::string arena_;
  std::vector<Entry> entries_;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HEADER_MAP_H_
