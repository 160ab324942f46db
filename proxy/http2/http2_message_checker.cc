#include "proxy/http2/http2_message_checker.h"

#include <emmintrin.h>  // SSE2: part of x86-64 itself

#include <cstring>

#include <nghttp2/nghttp2.h>

namespace weft::http2 {
namespace {

// Per-byte character classes, read off nghttp2's own public checks (each of
// them is a per-byte table test), so that they are the library's exactly.
enum CharClass : uint8_t {
  kNameChar = 1u << 0,
  kValueChar = 1u << 1,
  kMethodChar = 1u << 2,
  kPathChar = 1u << 3,
  kAuthorityChar = 1u << 4,
};

struct CharTable {
  uint8_t bits[256];
  CharTable() {
    for (int i = 0; i < 256; ++i) {
      const uint8_t c = static_cast<uint8_t>(i);
      uint8_t b = 0;
      const uint8_t name[2] = {'a', c};  // `c` as a later byte (':' only leads)
      if (nghttp2_check_header_name(name, 2)) b |= kNameChar;
      if (nghttp2_check_header_value(&c, 1)) b |= kValueChar;
      if (nghttp2_check_method(&c, 1)) b |= kMethodChar;
      if (nghttp2_check_path(&c, 1)) b |= kPathChar;
      if (nghttp2_check_authority(&c, 1)) b |= kAuthorityChar;
      bits[i] = b;
    }
  }
};
const CharTable kChars;

bool AllOf(absl::string_view s, uint8_t cls) {
  for (unsigned char c : s) {
    if ((kChars.bits[c] & cls) == 0) return false;
  }
  return true;
}

// The bytes of a string of 8 bytes or more, 16 at a time: `visit` gets each
// 16-byte block (the last one overlapping the one before; a string of 8..15
// bytes is read as two overlapping words) and returns false to stop. Never
// reads outside the string.
template <typename Visit>
bool ForEachBlock(absl::string_view s, Visit&& visit) {
  const char* p = s.data();
  const size_t size = s.size();
  if (size < 16) {
    const __m128i lo = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + size - 8));
    return visit(_mm_unpacklo_epi64(lo, hi));
  }
  for (size_t i = 0;; i += 16) {
    if (i + 16 > size) i = size - 16;
    if (!visit(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)))) return false;
    if (i + 16 == size) return true;
  }
}

// Byte lanes of `v` in [lo, hi] (unsigned).
inline __m128i InRange(__m128i v, uint8_t lo, uint8_t hi) {
  const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(lo)));
  const __m128i span = _mm_set1_epi8(static_cast<char>(hi - lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(shifted, span), shifted);
}

// Regular field values: the common case (no control byte, no DEL) is tested
// 16 bytes at a time; a value that has one (HTAB is allowed) is looked at
// byte by byte.
bool ValueBytesValid(absl::string_view v) {
  if (v.size() < 8) return AllOf(v, kValueChar);
  const bool plain = ForEachBlock(v, [](__m128i block) {
    const __m128i control = InRange(block, 0x00, 0x1f);
    const __m128i del = _mm_cmpeq_epi8(block, _mm_set1_epi8(0x7f));
    return _mm_movemask_epi8(_mm_or_si128(control, del)) == 0;
  });
  return plain || AllOf(v, kValueChar);
}

// Field names: the common case (only a-z, 0-9 and '-') is tested 16 bytes at
// a time; any other byte sends the name to the exact per-byte table.
bool NameBytesValid(absl::string_view name) {
  if (name.size() < 8) return AllOf(name, kNameChar);
  const bool plain = ForEachBlock(name, [](__m128i block) {
    const __m128i ok = _mm_or_si128(_mm_or_si128(InRange(block, 'a', 'z'), InRange(block, '0', '9')),
                                    _mm_cmpeq_epi8(block, _mm_set1_epi8('-')));
    return _mm_movemask_epi8(ok) == 0xffff;
  });
  return plain || AllOf(name, kNameChar);
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// nghttp2_check_header_value_rfc9113.
bool Rfc9113Value(absl::string_view v) {
  if (v.empty()) return true;
  if (IsBlank(v.front()) || IsBlank(v.back())) return false;
  return ValueBytesValid(v);
}

bool ValidScheme(absl::string_view v) {
  if (v.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(v[0])) return false;
  for (char c : v.substr(1)) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Digits only, no overflow; -1 otherwise.
int64_t ParseUint(absl::string_view s) {
  if (s.empty()) return -1;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    if (n > (INT64_MAX - (c - '0')) / 10) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool EqualsIgnoreCase(absl::string_view a, absl::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

enum Token {
  kOther,
  kTokAuthority,
  kTokMethod,
  kTokPath,
  kTokScheme,
  kTokStatus,
  kTokProtocol,
  kTokHost,
  kTokContentLength,
  kTokForbidden,  // connection, keep-alive, proxy-connection, transfer-encoding, upgrade
  kTokTe,
};

// `name` has `N - 1` bytes (the caller switched on the length): a compare of
// a constant size, which compiles to a few loads instead of a memcmp call.
template <size_t N>
bool Is(absl::string_view name, const char (&literal)[N]) {
  return std::memcmp(name.data(), literal, N - 1) == 0;
}

// `name` is already valid (lower case).
int LookupToken(absl::string_view name) {
  switch (name.size()) {
    case 2:
      return Is(name, "te") ? kTokTe : kOther;
    case 4:
      return Is(name, "host") ? kTokHost : kOther;
    case 5:
      return Is(name, ":path") ? kTokPath : kOther;
    case 7:
      if (Is(name, ":method")) return kTokMethod;
      if (Is(name, ":scheme")) return kTokScheme;
      if (Is(name, ":status")) return kTokStatus;
      if (Is(name, "upgrade")) return kTokForbidden;
      return kOther;
    case 9:
      return Is(name, ":protocol") ? kTokProtocol : kOther;
    case 10:
      if (Is(name, ":authority")) return kTokAuthority;
      if (Is(name, "connection") || Is(name, "keep-alive")) return kTokForbidden;
      return kOther;
    case 14:
      return Is(name, "content-length") ? kTokContentLength : kOther;
    case 16:
      return Is(name, "proxy-connection") ? kTokForbidden : kOther;
    case 17:
      return Is(name, "transfer-encoding") ? kTokForbidden : kOther;
    default:
      return kOther;
  }
}

// The characters of `value` for the field `token` (nghttp2_http_on_header).
bool ValueValid(int token, absl::string_view value, bool server) {
  switch (token) {
    case kTokMethod:
      return !value.empty() && AllOf(value, kMethodChar);
    case kTokPath:
      return AllOf(value, kPathChar);
    case kTokAuthority:
    case kTokHost:
      return server ? AllOf(value, kAuthorityChar) : Rfc9113Value(value);
    case kTokScheme:
      return ValidScheme(value);
    default:
      return Rfc9113Value(value);
  }
}

}  // namespace

bool Http2MessageChecker::ValidName(absl::string_view name) {
  if (name.empty()) return false;
  if (name[0] == ':') {
    name.remove_prefix(1);
    if (name.empty()) return false;
  }
  return NameBytesValid(name);
}

bool Http2MessageChecker::ValidValue(absl::string_view value) { return Rfc9113Value(value); }

void Http2MessageChecker::OnRequestSent(absl::string_view method) {
  if (method == "CONNECT") {
    flags_ |= kMethConnect;
  } else if (method == "HEAD") {
    flags_ |= kMethHead;
  }
}

void Http2MessageChecker::BeginHeaderBlock() {
  // The first block is the head; later ones are trailers, except the heads
  // that follow a 1xx response.
  trailer_ = blocks_ > 0 && (side_ == Side::kServer || (flags_ & kExpectFinal) == 0);
  ++blocks_;
}

Http2MessageChecker::Verdict Http2MessageChecker::OnField(absl::string_view name,
                                                          absl::string_view value,
                                                          bool static_name, bool static_value) {
  const bool pseudo = !name.empty() && name[0] == ':';
  if (!static_name && !ValidName(name)) return Verdict::kReject;
  const int token = LookupToken(name);
  if (!static_value && !ValueValid(token, value, side_ == Side::kServer)) {
    return Verdict::kReject;
  }
  if (pseudo && (trailer_ || (flags_ & kPseudoDisallowed) != 0)) return Verdict::kReject;
  const Verdict verdict = side_ == Side::kServer ? RequestField(token, name, value)
                                                 : ResponseField(token, name, value);
  if (verdict == Verdict::kAccept && !pseudo) flags_ |= kPseudoDisallowed;
  return verdict;
}

bool Http2MessageChecker::SetPseudo(uint32_t flag, absl::string_view value) {
  if ((flags_ & flag) != 0) return false;  // twice
  bool blank = true;
  for (char c : value) {
    if (!IsBlank(c)) {
      blank = false;
      break;
    }
  }
  if (blank) return false;  // empty or only SP/HTAB
  flags_ |= flag;
  return true;
}

Http2MessageChecker::Verdict Http2MessageChecker::RequestField(int token, absl::string_view name,
                                                               absl::string_view value) {
  switch (token) {
    case kTokAuthority:
      return SetPseudo(kAuthority, value) ? Verdict::kAccept : Verdict::kReject;
    case kTokMethod:
      if (!SetPseudo(kMethod, value)) return Verdict::kReject;
      if (value == "HEAD") {
        flags_ |= kMethHead;
      } else if (value == "CONNECT") {
        flags_ |= kMethConnect;
      } else if (value == "OPTIONS") {
        flags_ |= kMethOptions;
      }
      return Verdict::kAccept;
    case kTokPath:
      if (!SetPseudo(kPath, value)) return Verdict::kReject;
      if (value[0] == '/') {
        flags_ |= kPathRegular;
      } else if (value == "*") {
        flags_ |= kPathAsterisk;
      }
      return Verdict::kAccept;
    case kTokScheme:
      if (!SetPseudo(kScheme, value)) return Verdict::kReject;
      if (EqualsIgnoreCase(value, "http") || EqualsIgnoreCase(value, "https")) {
        flags_ |= kSchemeHttp;
      }
      return Verdict::kAccept;
    case kTokProtocol:
      return Verdict::kReject;  // SETTINGS_ENABLE_CONNECT_PROTOCOL is never sent
    case kTokHost:
      return SetPseudo(kHost, value) ? Verdict::kAccept : Verdict::kReject;
    case kTokContentLength:
      if (content_length_ != -1) return Verdict::kReject;
      content_length_ = ParseUint(value);
      return content_length_ == -1 ? Verdict::kReject : Verdict::kAccept;
    case kTokForbidden:
      return Verdict::kReject;
    case kTokTe:
      return EqualsIgnoreCase(value, "trailers") ? Verdict::kAccept : Verdict::kReject;
    default:
      return name[0] == ':' ? Verdict::kReject : Verdict::kAccept;
  }
}

Http2MessageChecker::Verdict Http2MessageChecker::ResponseField(int token, absl::string_view name,
                                                                absl::string_view value) {
  switch (token) {
    case kTokStatus:
      if (!SetPseudo(kStatus, value) || value.size() != 3) return Verdict::kReject;
      status_ = static_cast<int>(ParseUint(value));
      return status_ == -1 || status_ == 101 ? Verdict::kReject : Verdict::kAccept;
    case kTokContentLength:
      if (status_ == 204) {
        // Forbidden in a 204, but common as "0": tolerated and left out.
        if (content_length_ != -1 || value != "0") return Verdict::kReject;
        content_length_ = 0;
        return Verdict::kDrop;
      }
      if (status_ / 100 == 1) return Verdict::kReject;
      if (status_ / 100 == 2 && (flags_ & kMethConnect) != 0) return Verdict::kDrop;
      if (content_length_ != -1) return Verdict::kReject;
      content_length_ = ParseUint(value);
      return content_length_ == -1 ? Verdict::kReject : Verdict::kAccept;
    case kTokForbidden:
      return Verdict::kReject;
    case kTokTe:
      return EqualsIgnoreCase(value, "trailers") ? Verdict::kAccept : Verdict::kReject;
    default:
      return name[0] == ':' ? Verdict::kReject : Verdict::kAccept;
  }
}

bool Http2MessageChecker::EndHeaderBlock(bool end_stream) {
  bool ok;
  if (trailer_) {
    ok = end_stream;
  } else if (side_ == Side::kServer) {
    ok = RequestHeadersEnd();
    if (ok && (flags_ & kMethConnect) != 0) content_length_ = -1;
  } else {
    ok = ResponseHeadersEnd();
  }
  return ok && (!end_stream || OnRemoteEnd());
}

bool Http2MessageChecker::RequestHeadersEnd() const {
  if ((flags_ & kMethConnect) != 0) {
    return (flags_ & (kScheme | kPath)) == 0 && (flags_ & kAuthority) != 0;
  }
  if ((flags_ & (kMethod | kPath | kScheme)) != (kMethod | kPath | kScheme)) return false;
  if ((flags_ & (kAuthority | kHost)) == 0) return false;
  // http(s): the path is absolute, or "*" for OPTIONS.
  return (flags_ & kSchemeHttp) == 0 || (flags_ & kPathRegular) != 0 ||
         ((flags_ & kMethOptions) != 0 && (flags_ & kPathAsterisk) != 0);
}

bool Http2MessageChecker::ResponseHeadersEnd() {
  if ((flags_ & kStatus) == 0) return false;
  if (status_ / 100 == 1) {  // an interim head: a final one must follow
    flags_ = (flags_ & kMethAll) | kExpectFinal;
    content_length_ = -1;
    status_ = -1;
    return true;
  }
  flags_ &= ~kExpectFinal;
  const bool body = (flags_ & kMethHead) == 0 && status_ != 304 && status_ != 204;
  if (!body) {
    content_length_ = 0;
  } else if ((flags_ & kMethConnect) != 0) {
    content_length_ = -1;
  }
  return true;
}

bool Http2MessageChecker::OnData(size_t n) {
  if (n == 0) return true;
  received_ += static_cast<int64_t>(n);
  if ((flags_ & kExpectFinal) != 0) return false;
  return content_length_ == -1 || received_ <= content_length_;
}

bool Http2MessageChecker::OnRemoteEnd() {
  if ((flags_ & kExpectFinal) != 0) return false;
  return content_length_ == -1 || content_length_ == received_;
}

}  // namespace weft::http2
