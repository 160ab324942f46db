#include "proxy/observability/json_escape.h"

#include <cstdint>
#include <cstring>

#include "proxy/stats/utf8.h"

namespace weft::observability {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Printable ASCII other than '"' and '\\': copied as is.
bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// True when all eight bytes of `x` are plain (see IsPlain).
bool AllPlain(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
  const bool below_space = ((x - kOnes * 0x20) & ~x & kHigh) != 0;
  // Bit 7 of (b + 1) | b is set for b >= 0x7F; a carry out of a byte needs
  // b == 0xFF, whose own bit 7 already answers.
  const bool high = (((x + kOnes) | x) & kHigh) != 0;
  return !below_space && !high && !has_zero(x ^ (kOnes * '"')) && !has_zero(x ^ (kOnes * '\\'));
}

char* PutEscapedU(uint32_t code_point, char* p) {
  p[0] = '\\';
  p[1] = 'u';
  p[2] = kHex[(code_point >> 12) & 0xF];
  p[3] = kHex[(code_point >> 8) & 0xF];
  p[4] = kHex[(code_point >> 4) & 0xF];
  p[5] = kHex[code_point & 0xF];
  return p + 6;
}

char* PutTwo(char a, char b, char* p) {
  p[0] = a;
  p[1] = b;
  return p + 2;
}

}  // namespace

char* WriteJsonString(absl::string_view value, char* p) {
  *p++ = '"';
  const char* data = value.data();
  const size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    // Runs of plain bytes (nearly every byte of a real log field) are found
    // eight at a time and copied with one memcpy.
    const size_t run_start = i;
    for (; i + 8 <= n; i += 8) {
      uint64_t x;
      std::memcpy(&x, data + i, 8);
      if (!AllPlain(x)) break;
    }
    while (i < n && IsPlain(static_cast<unsigned char>(data[i]))) ++i;
    if (i > run_start) {
      std::memcpy(p, data + run_start, i - run_start);
      p += i - run_start;
    }
    if (i == n) break;
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          p = PutTwo('\\', '"', p);
          break;
        case '\\':
          p = PutTwo('\\', '\\', p);
          break;
        case '\b':
          p = PutTwo('\\', 'b', p);
          break;
        case '\f':
          p = PutTwo('\\', 'f', p);
          break;
        case '\n':
          p = PutTwo('\\', 'n', p);
          break;
        case '\r':
          p = PutTwo('\\', 'r', p);
          break;
        case '\t':
          p = PutTwo('\\', 't', p);
          break;
        default:  // other control characters and DEL
          p = PutEscapedU(c, p);
      }
      ++i;
      continue;
    }
    const stats::Utf8Char u = stats::DecodeUtf8(value, i);
    if (!u.valid) {
      p = PutEscapedU(0xFFFD, p);
    } else if (u.code_point == 0x2028 || u.code_point == 0x2029) {
      p = PutEscapedU(u.code_point, p);
    } else {
      std::memcpy(p, data + i, u.length);
      p += u.length;
    }
    i += u.length;
  }
  *p++ = '"';
  return p;
}

void AppendJsonString(std::string* out, absl::string_view value) {
  const size_t old_size = out->size();
  out->resize(old_size + JsonStringMaxSize(value.size()));
  char* end = WriteJsonString(value, &(*out)[old_size]);
  out->resize(static_cast<size_t>(end - out->data()));
}

}  // namespace weft::observability
