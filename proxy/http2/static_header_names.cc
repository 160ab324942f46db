#include "proxy/http2/static_header_names.h"

#include <cstdint>
#include <cstring>

namespace weft::http2 {
namespace {

constexpr const char* kNames[] = {
    // RFC 7541 appendix A, in table order (duplicates left out).
    ":authority", ":method", ":path", ":scheme", ":status", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "accept",
    "access-control-allow-origin", "age", "allow", "authorization", "cache-control",
    "content-disposition", "content-encoding", "content-language", "content-length",
    "content-location", "content-range", "content-type", "cookie", "date", "etag", "expect",
    "expires", "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range",
    "if-unmodified-since", "last-modified", "link", "location", "max-forwards",
    "proxy-authenticate", "proxy-authorization", "range", "referer", "refresh", "retry-after",
    "server", "set-cookie", "strict-transport-security", "transfer-encoding", "user-agent",
    "vary", "via", "www-authenticate",
    // gRPC (the HTTP/2 protocol spec).
    "te", "grpc-status", "grpc-message", "grpc-timeout", "grpc-encoding",
    "grpc-accept-encoding", "grpc-status-details-bin",
    // Tracing and ours.
    "traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid",
    "x-b3-sampled", "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-weft-error",
    "x-weft-orig-proto",
};

constexpr size_t kSlots = 256;  // a power of two, well above 2x the names

// Length and the first and last bytes: cheap, and enough to spread these names.
inline size_t Slot(const char* name, size_t length) {
  const auto first = static_cast<unsigned char>(name[0]);
  const auto last = static_cast<unsigned char>(name[length - 1]);
  return (length * 31 + first * 7 + last * 3) & (kSlots - 1);
}

struct Table {
  const char* slot[kSlots] = {};
  uint8_t length[kSlots] = {};

  Table() {
    for (const char* name : kNames) {
      const size_t n = std::strlen(name);
      size_t i = Slot(name, n);
      while (slot[i] != nullptr) i = (i + 1) & (kSlots - 1);  // open addressing
      slot[i] = name;
      length[i] = static_cast<uint8_t>(n);
    }
  }
};
const Table kTable;

// a[0, n) == b[0, n), whole words at a time (overlapping at the end): the
// names are short, and a memcmp call would cost more than the copy it saves.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t x;
    uint64_t y;
    size_t i = 0;
    for (; i + 8 < n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 4);
    std::memcpy(&y0, b, 4);
    std::memcpy(&x1, a + n - 4, 4);
    std::memcpy(&y1, b + n - 4, 4);
    return x0 == y0 && x1 == y1;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

const char* StaticHeaderName(absl::string_view name) {
  if (name.empty() || name.size() > 255) return nullptr;
  for (size_t i = Slot(name.data(), name.size());; i = (i + 1) & (kSlots - 1)) {
    const char* candidate = kTable.slot[i];
    if (candidate == nullptr) return nullptr;
    if (kTable.length[i] == name.size() && SameBytes(candidate, name.data(), name.size())) {
      return candidate;
    }
  }
}

}  // namespace weft::http2
