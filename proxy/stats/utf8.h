#ifndef WEFT_PROXY_STATS_UTF8_H_
#define WEFT_PROXY_STATS_UTF8_H_

// UTF-8 decoding for text that leaves the proxy in a format which must be valid
// UTF-8 (Prometheus label values, JSON access log lines). Request data (paths,
// authorities, route names) may hold any bytes; every byte that does not start a
// well-formed sequence (RFC 3629: no overlongs, no surrogates, nothing above
// U+10FFFF, no truncated sequences) is reported as invalid on its own, so callers
// replace it with U+FFFD and resynchronise on the next byte.
//
//   size_t i = 0;
//   while (i < s.size()) {
//     Utf8Char c = DecodeUtf8(s, i);
//     if (!c.valid) out += kUtf8Replacement; else out.append(s.substr(i, c.length));
//     i += c.length;
//   }
//
// Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace weft::stats {

// U+FFFD REPLACEMENT CHARACTER, encoded.
inline constexpr absl::string_view kUtf8Replacement = "\xEF\xBF\xBD";

struct Utf8Char {
  uint32_t code_point = 0;  // meaningful only when valid
  size_t length = 1;        // bytes consumed; 1 for an invalid byte
  bool valid = false;
};

// Decodes the sequence starting at s[pos]; pos < s.size().
Utf8Char DecodeUtf8(absl::string_view s, size_t pos);

// `s` with every invalid byte replaced by U+FFFD.
std::string SanitizeUtf8(absl::string_view s);

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_UTF8_H_
