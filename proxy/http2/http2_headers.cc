#include "proxy/http2/http2_headers.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "proxy/http/ascii_case.h"
#include "proxy/http2/static_header_names.h"

namespace weft::http2 {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// `name` equals the lower-case literal `lower`, ignoring ASCII case; the
// lengths are known to be equal.
bool SameLengthEqualsLower(absl::string_view name, const char* lower) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (Lower(name[i]) != lower[i]) return false;
  }
  return true;
}

bool IsHost(absl::string_view name) {
  return name.size() == 4 && SameLengthEqualsLower(name, "host");
}

// The N - 1 bytes at `data`, each OR 0x20, equal `lower` (a lower-case
// literal of letters, digits and '-'). Whole words at a time: the length is a
// constant, so this compiles to a few loads and compares.
template <size_t N>
bool FoldedEquals(const char* data, const char (&lower)[N]) {
  constexpr size_t kLength = N - 1;
  constexpr uint64_t kFold = 0x2020202020202020ULL;
  size_t i = 0;
  for (; i + 8 <= kLength; i += 8) {
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, data + i, 8);
    std::memcpy(&b, lower + i, 8);
    if ((a | kFold) != b) return false;
  }
  for (; i < kLength; ++i) {
    if ((data[i] | 0x20) != lower[i]) return false;
  }
  return true;
}

}  // namespace

namespace {

// What the encoder does with a regular field, decided by one switch on the
// name's length: this runs for every field of every HTTP/2 head we send.
enum class Outgoing { kSend, kSendUnindexed, kHost, kConnectionSpecific };

Outgoing ClassifyOutgoing(absl::string_view name, absl::string_view value) {
  // Unique-per-request names are compared with FoldedEquals (bytes OR 0x20): a
  // few other bytes alias (0x0D reads as '-'), which at worst leaves one field
  // out of the HPACK table. The names dropped or moved are compared exactly.
  switch (name.size()) {
    case 2:
      if (SameLengthEqualsLower(name, "te")) {
        return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(value), "trailers")
                   ? Outgoing::kSend
                   : Outgoing::kConnectionSpecific;
      }
      return FoldedEquals(name.data(), "b3") ? Outgoing::kSendUnindexed : Outgoing::kSend;
    case 4:
      return SameLengthEqualsLower(name, "host") ? Outgoing::kHost : Outgoing::kSend;
    case 7:
      return SameLengthEqualsLower(name, "upgrade") ? Outgoing::kConnectionSpecific
                                                    : Outgoing::kSend;
    case 10:
      return SameLengthEqualsLower(name, "connection") ||
                     SameLengthEqualsLower(name, "keep-alive")
                 ? Outgoing::kConnectionSpecific
                 : Outgoing::kSend;
    case 11:
      return FoldedEquals(name.data(), "traceparent") || FoldedEquals(name.data(), "x-b3-spanid")
                 ? Outgoing::kSendUnindexed
                 : Outgoing::kSend;
    case 12:
      return FoldedEquals(name.data(), "x-b3-traceid") ||
                     FoldedEquals(name.data(), "x-request-id")
                 ? Outgoing::kSendUnindexed
                 : Outgoing::kSend;
    case 16:
      return SameLengthEqualsLower(name, "proxy-connection") ? Outgoing::kConnectionSpecific
                                                             : Outgoing::kSend;
    case 17:
      if (SameLengthEqualsLower(name, "transfer-encoding")) return Outgoing::kConnectionSpecific;
      return FoldedEquals(name.data(), "x-b3-parentspanid") ? Outgoing::kSendUnindexed
                                                            : Outgoing::kSend;
    default:
      return Outgoing::kSend;
  }
}

}  // namespace

bool IsUniquePerRequestField(absl::string_view name) {
  return ClassifyOutgoing(name, absl::string_view()) == Outgoing::kSendUnindexed;
}

bool IsConnectionSpecificField(absl::string_view name, absl::string_view value) {
  return ClassifyOutgoing(name, value) == Outgoing::kConnectionSpecific;
}

void HeaderList::Clear() {
  arena_size_ = 0;
  nv_.clear();
  copied_.clear();
}

void HeaderList::EnsureRoom(size_t n) {
  if (arena_capacity_ - arena_size_ >= n) return;
  const size_t capacity = std::max(arena_size_ + n, 2 * arena_capacity_);
  std::unique_ptr<char[]> grown(new char[capacity]);
  if (arena_size_ > 0) std::memcpy(grown.get(), arena_.get(), arena_size_);
  // Copied fields point into the old arena: move them along.
  const uint8_t* old_base = reinterpret_cast<const uint8_t*>(arena_.get());
  uint8_t* new_base = reinterpret_cast<uint8_t*>(grown.get());
  for (uint32_t i : copied_) {
    if ((nv_[i].flags & NGHTTP2_NV_FLAG_NO_COPY_NAME) == 0) {
      nv_[i].name = new_base + (nv_[i].name - old_base);
    }
    nv_[i].value = new_base + (nv_[i].value - old_base);
  }
  arena_ = std::move(grown);
  arena_capacity_ = capacity;
}

void HeaderList::Reserve(size_t fields, size_t bytes) {
  nv_.reserve(fields);
  if (bytes > arena_size_) EnsureRoom(bytes - arena_size_);
}

void HeaderList::AddCopied(absl::string_view name, absl::string_view value, bool lower) {
  EnsureRoom(name.size() + value.size());
  uint8_t* out = reinterpret_cast<uint8_t*>(arena_.get()) + arena_size_;
  if (!name.empty()) std::memcpy(out, name.data(), name.size());
  if (lower) {
    // Lower-cased in place after the copy: no temporary string.
    for (size_t i = 0; i < name.size(); ++i) out[i] = static_cast<uint8_t>(Lower(out[i]));
  }
  if (!value.empty()) std::memcpy(out + name.size(), value.data(), value.size());
  arena_size_ += name.size() + value.size();
  const absl::string_view lower_name(reinterpret_cast<const char*>(out), name.size());
  uint8_t flags = IsUniquePerRequestField(lower_name) ? NGHTTP2_NV_FLAG_NO_INDEX
                                                      : NGHTTP2_NV_FLAG_NONE;
  uint8_t* name_ptr = out;
  if (const char* known = StaticHeaderName(lower_name)) {
    // nghttp2 need not copy a name that lives forever.
    name_ptr = const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(known));
    flags |= NGHTTP2_NV_FLAG_NO_COPY_NAME;
  }
  copied_.push_back(static_cast<uint32_t>(nv_.size()));
  nv_.push_back(nghttp2_nv{name_ptr, out + name.size(), name.size(), value.size(), flags});
}

void HeaderList::Add(absl::string_view name, absl::string_view value) {
  AddCopied(name, value, http::HasAsciiUpper(name));
}

void HeaderList::AddBorrowed(absl::string_view name, absl::string_view value) {
  AddBorrowed(name, value, IsUniquePerRequestField(name) ? NGHTTP2_NV_FLAG_NO_INDEX
                                                         : NGHTTP2_NV_FLAG_NONE);
}

void HeaderList::AddBorrowed(absl::string_view name, absl::string_view value, uint8_t flags) {
  // A well-known name (exactly, so lower case) points at its static copy,
  // which nghttp2 need not copy (NO_COPY_NAME). Any other name is not
  // lower-cased here: nghttp2 lower-cases the names it copies at submission
  // (nghttp2_nv_array_copy); checking each name again here cost about 60
  // instructions a field.
  const char* name_ptr = name.data();
  if (const char* known = StaticHeaderName(name)) {
    name_ptr = known;
    flags |= NGHTTP2_NV_FLAG_NO_COPY_NAME;
  }
  // nghttp2_nv is not const-correct; nghttp2 only reads (and copies) these.
  nv_.push_back(nghttp2_nv{
      const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(name_ptr)),
      const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(value.data())), name.size(),
      value.size(), flags});
}

void HeaderList::AddRegular(const http::HeaderMap& headers, bool drop_host, bool borrow) {
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (name.empty() || name[0] == ':') return;
    const Outgoing what = ClassifyOutgoing(name, value);
    if (what == Outgoing::kConnectionSpecific || (drop_host && what == Outgoing::kHost)) return;
    if (borrow) {
      AddBorrowed(name, value,
                  what == Outgoing::kSendUnindexed ? NGHTTP2_NV_FLAG_NO_INDEX
                                                   : NGHTTP2_NV_FLAG_NONE);
    } else {
      Add(name, value);
    }
  });
}

std::pair<absl::string_view, absl::string_view> HeaderList::at(size_t i) const {
  const nghttp2_nv& f = nv_[i];
  return {absl::string_view(reinterpret_cast<const char*>(f.name), f.namelen),
          absl::string_view(reinterpret_cast<const char*>(f.value), f.valuelen)};
}

namespace {

void BuildRequest(const http::RequestHeaders& headers, bool borrow, HeaderList& out) {
  out.Clear();
  absl::string_view authority = headers.authority;
  if (authority.empty()) {
    if (auto host = headers.headers.Get("host")) authority = *host;
  }
  const auto add = [&](absl::string_view name, absl::string_view value) {
    if (borrow) {
      out.AddBorrowed(name, value);
    } else {
      out.Add(name, value);
    }
  };
  // The regular fields plus the four pseudo-fields; a borrowing list copies
  // only names with upper-case bytes.
  out.Reserve(headers.headers.size() + 4,
              borrow ? 0
                     : headers.headers.byte_size() + headers.method.size() +
                           headers.scheme.size() + authority.size() + headers.path.size() + 48);
  add(":method", headers.method);
  if (headers.method == "CONNECT") {
    add(":authority", authority);
  } else {
    add(":scheme", headers.scheme.empty() ? absl::string_view("http") : headers.scheme);
    if (!authority.empty()) add(":authority", authority);
    add(":path", headers.path.empty() ? absl::string_view("/") : headers.path);
  }
  out.AddRegular(headers.headers, /*drop_host=*/true, borrow);
}

void BuildResponse(const http::ResponseHeaders& headers, bool borrow, HeaderList& out) {
  out.Clear();
  out.Reserve(headers.headers.size() + 1, borrow ? 16 : headers.headers.byte_size() + 24);
  char status[http::kStatusCodeBufferSize];
  out.Add(":status", absl::string_view(status, http::FormatStatusCode(headers.status, status)));
  out.AddRegular(headers.headers, /*drop_host=*/false, borrow);
}

}  // namespace

void BuildRequestHeaderList(const http::RequestHeaders& headers, HeaderList& out) {
  BuildRequest(headers, /*borrow=*/true, out);
}

void BuildResponseHeaderList(const http::ResponseHeaders& headers, HeaderList& out) {
  BuildResponse(headers, /*borrow=*/true, out);
}

HeaderList RequestHeaderList(const http::RequestHeaders& headers) {
  HeaderList list;
  BuildRequest(headers, /*borrow=*/false, list);
  return list;
}

HeaderList ResponseHeaderList(const http::ResponseHeaders& headers) {
  HeaderList list;
  BuildResponse(headers, /*borrow=*/false, list);
  return list;
}

HeaderList TrailerHeaderList(const http::HeaderMap& trailers) {
  HeaderList list;
  list.Reserve(trailers.size(), trailers.byte_size());
  list.AddRegular(trailers, /*drop_host=*/false);
  return list;
}

void AddDecodedRequestField(absl::string_view name, absl::string_view value,
                            http::RequestHeaders& out) {
  if (!name.empty() && name[0] == ':') {
    // Decoded names are lower case (the checker refuses others).
    std::string* member = nullptr;
    switch (name.size()) {
      case 5:
        if (std::memcmp(name.data(), ":path", 5) == 0) member = &out.path;
        break;
      case 7:
        if (std::memcmp(name.data(), ":method", 7) == 0) {
          member = &out.method;
        } else if (std::memcmp(name.data(), ":scheme", 7) == 0) {
          member = &out.scheme;
        }
        break;
      case 10:
        if (std::memcmp(name.data(), ":authority", 10) == 0) member = &out.authority;
        break;
      default:
        break;
    }
    // Other pseudo-header fields (:protocol) are not carried.
    if (member != nullptr) member->assign(value.data(), value.size());
    return;
  }
  if (IsHost(name)) {
    if (out.authority.empty()) out.authority.assign(value.data(), value.size());
    return;
  }
  out.headers.Add(name, value);
}

void AddDecodedResponseField(absl::string_view name, absl::string_view value,
                             http::ResponseHeaders& out) {
  if (!name.empty() && name[0] == ':') {
    if (name == ":status") {
      int status = 0;
      if (value.size() == 3 && absl::ascii_isdigit(value[0]) && absl::ascii_isdigit(value[1]) &&
          absl::ascii_isdigit(value[2])) {
        status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
      } else if (!absl::SimpleAtoi(value, &status)) {
        status = 0;
      }
      out.status = status;
    }
    return;
  }
  out.headers.Add(name, value);
}

}  // namespace weft::http2
