#ifndef WEFT_PROXY_HTTP_ASCII_CASE_H_
#define WEFT_PROXY_HTTP_ASCII_CASE_H_

// ASCII case-insensitive equality for header names, inline and eight bytes at
// a time. absl::EqualsIgnoreCase is an out-of-line call that folds one byte
// at a time through a table; header lookups make a dozen such compares per
// request on the proxy's hot path.
//
//   if (EqualsIgnoreCaseAscii(name, "content-length")) ...
//   if (HasAsciiUpper(name)) { /* lower-case a copy */ }
//
// Only 'A'..'Z' and 'a'..'z' fold into each other; every other byte (also
// >= 0x80) must match exactly, as with absl::EqualsIgnoreCase.

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

namespace weft::http {
namespace ascii_case_internal {

// Each byte of `x` with 'A'..'Z' turned into 'a'..'z'.
inline uint64_t LowerWord(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  // Per byte b, on its low seven bits (so no carry crosses into the next
  // byte): bit 7 of (b + 0x3F) is set iff b >= 'A', of (b + 0x25) iff b > 'Z';
  // ~x leaves bytes >= 0x80 alone.
  const uint64_t low7 = x & ~kHigh;
  const uint64_t upper =
      (low7 + kOnes * (0x80 - 'A')) & ~(low7 + kOnes * (0x80 - 'Z' - 1)) & ~x & kHigh;
  return x | (upper >> 2);  // | 0x20 on upper-case letters only
}

inline char LowerByte(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

}  // namespace ascii_case_internal

// True when some byte of `s` is in 'A'..'Z'.
inline bool HasAsciiUpper(absl::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (ascii_case_internal::LowerWord(x) != x) return true;
  }
  for (; i < s.size(); ++i) {
    if (s[i] >= 'A' && s[i] <= 'Z') return true;
  }
  return false;
}

inline bool EqualsIgnoreCaseAscii(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  const size_t n = a.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y && ascii_case_internal::LowerWord(x) != ascii_case_internal::LowerWord(y)) {
      return false;
    }
  }
  for (; i < n; ++i) {
    if (a[i] != b[i] &&
        ascii_case_internal::LowerByte(a[i]) != ascii_case_internal::LowerByte(b[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_ASCII_CASE_H_
