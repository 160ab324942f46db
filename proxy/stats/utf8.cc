#include "proxy/stats/utf8.h"

namespace weft::stats {

Utf8Char DecodeUtf8(absl::string_view s, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(pos);
  if (b0 < 0x80) return Utf8Char{b0, 1, true};
  size_t length;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return Utf8Char{};  // continuation byte or 0xF8..0xFF as a lead
  }
  if (pos + length > s.size()) return Utf8Char{};
  for (size_t i = 1; i < length; ++i) {
    const uint8_t b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return Utf8Char{};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Utf8Char{};
  return Utf8Char{cp, length, true};
}

std::string SanitizeUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const Utf8Char c = DecodeUtf8(s, i);
    if (c.valid) {
      out.append(s.data() + i, c.length);
    } else {
      out.append(kUtf8Replacement.data(), kUtf8Replacement.size());
    }
    i += c.length;
  }
  return out;
}

}  // namespace weft::stats
