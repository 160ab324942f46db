#include "proxy/http/header_map.h"

#include <algorithm>

#include "proxy/http/ascii_case.h"

namespace weft::http {

void HeaderMap::Arena::Grow(size_t at_least) {
  const size_t capacity = std::max<size_t>({at_least, 2 * capacity_, 64});
  std::unique_ptr<char[]> grown(new char[capacity]);
  if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = capacity;
}

void HeaderMap::Add(absl::string_view name, absl::string_view value) {
  Entry e;
  e.name_offset = static_cast<uint32_t>(arena_.size());
  e.name_length = static_cast<uint32_t>(name.size());
  arena_.Append(name.data(), name.size());
  e.value_offset = static_cast<uint32_t>(arena_.size());
  e.value_length = static_cast<uint32_t>(value.size());
  arena_.Append(value.data(), value.size());
  e.removed = false;
  entries_.push_back(e);
}

void HeaderMap::Set(absl::string_view name, absl::string_view value) {
  Remove(name);
  Add(name, value);
}

void HeaderMap::Remove(absl::string_view name) {
  for (Entry& e : entries_) {
    if (!e.removed && e.name_length == name.size() &&
        EqualsIgnoreCaseAscii(absl::string_view(arena_.data() + e.name_offset, e.name_length), name)) {
      e.removed = true;
    }
  }
}

absl::optional<absl::string_view> HeaderMap::Get(absl::string_view name) const {
  for (const Entry& e : entries_) {
    if (!e.removed && e.name_length == name.size() &&
        EqualsIgnoreCaseAscii(absl::string_view(arena_.data() + e.name_offset, e.name_length), name)) {
      return absl::string_view(arena_.data() + e.value_offset, e.value_length);
    }
  }
  return absl::nullopt;
}

void HeaderMap::StartField() {
  const uint32_t end = static_cast<uint32_t>(arena_.size());
  entries_.push_back(Entry{end, 0, end, 0, false});
}

void HeaderMap::AppendName(const char* data, size_t n) {
  // Name pieces come before any value piece, so the name stays contiguous.
  arena_.Append(data, n);
  entries_.back().name_length += static_cast<uint32_t>(n);
  entries_.back().value_offset += static_cast<uint32_t>(n);
}

void HeaderMap::AppendValue(const char* data, size_t n) {
  arena_.Append(data, n);
  entries_.back().value_length += static_cast<uint32_t>(n);
}

void HeaderMap::Reserve(size_t fields, size_t bytes) {
  if (entries_.capacity() < fields) entries_.reserve(fields);
  if (arena_.capacity() < bytes) arena_.reserve(bytes);
}

void HeaderMap::RemoveAll(std::initializer_list<absl::string_view> names) {
  for (Entry& e : entries_) {
    if (e.removed) continue;
    const absl::string_view name(arena_.data() + e.name_offset, e.name_length);
    for (absl::string_view candidate : names) {
      if (candidate.size() == name.size() && EqualsIgnoreCaseAscii(name, candidate)) {
        e.removed = true;
        break;
      }
    }
  }
}

void HeaderMap::Clear() {
  arena_.clear();
  entries_.clear();
}

}  // namespace weft::http
