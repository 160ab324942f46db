#include "proxy/observability/trace_context.h"

#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace weft::observability {
namespace {

// W3C recommends propagating at least 512 bytes of tracestate; longer values
// lose list members from the end.
constexpr size_t kMaxTracestateBytes = 512;

int HexValue(char c, bool allow_upper) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (allow_upper && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly 1..16 hex digits.
bool ParseHex64(absl::string_view s, bool allow_upper, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    const int d = HexValue(c, allow_upper);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

absl::Status Invalid(absl::string_view what, absl::string_view detail) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", detail));
}

// A B3 trace id of 16 or 32 hex digits, not all zero.
absl::Status ParseB3TraceId(absl::string_view what, absl::string_view s, TraceContext* c) {
  if (s.size() == 16) {
    c->trace_id_high = 0;
    c->b3_64bit_trace_id = true;
    if (!ParseHex64(s, true, &c->trace_id_low)) return Invalid(what, "trace id is not hex");
  } else if (s.size() == 32) {
    c->b3_64bit_trace_id = false;
    if (!ParseHex64(s.substr(0, 16), true, &c->trace_id_high) ||
        !ParseHex64(s.substr(16), true, &c->trace_id_low)) {
      return Invalid(what, "trace id is not hex");
    }
  } else {
    return Invalid(what, absl::StrCat("trace id has ", s.size(), " hex digits, want 16 or 32"));
  }
  if (c->trace_id_high == 0 && c->trace_id_low == 0) return Invalid(what, "trace id is zero");
  return absl::OkStatus();
}

// A 16-hex-digit span id, not zero.
absl::Status ParseSpanId(absl::string_view what, absl::string_view s, uint64_t* out) {
  if (s.size() != 16) {
    return Invalid(what, absl::StrCat("span id has ", s.size(), " hex digits, want 16"));
  }
  if (!ParseHex64(s, true, out)) return Invalid(what, "span id is not hex");
  if (*out == 0) return Invalid(what, "span id is zero");
  return absl::OkStatus();
}

// "0" / "1" / "d" (b3), "0" / "1" / "true" / "false" (x-b3-sampled).
bool ParseSamplingFlag(absl::string_view s, bool allow_debug, Sampling* out) {
  if (s == "1" || s == "true") {
    *out = Sampling::kSampled;
  } else if (s == "0" || s == "false") {
    *out = Sampling::kNotSampled;
  } else if (allow_debug && s == "d") {
    *out = Sampling::kDebug;
  } else {
    return false;
  }
  return true;
}

// Every `tracestate` field joined with ",", or "" if any is not printable ASCII.
std::string CollectTracestate(const http::HeaderMap& headers) {
  std::vector<absl::string_view> parts;
  bool printable = true;
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (!absl::EqualsIgnoreCase(name, "tracestate")) return;
    for (char c : value) {
      if (c < 0x20 || c > 0x7E) printable = false;
    }
    value = absl::StripAsciiWhitespace(value);
    if (!value.empty()) parts.push_back(value);
  });
  if (!printable) return "";
  std::string joined = absl::StrJoin(parts, ",");
  if (joined.size() <= kMaxTracestateBytes) return joined;
  std::string kept;
  for (absl::string_view member : absl::StrSplit(joined, ',')) {
    member = absl::StripAsciiWhitespace(member);
    if (member.empty()) continue;
    if (kept.size() + member.size() + (kept.empty() ? 0 : 1) > kMaxTracestateBytes) break;
    if (!kept.empty()) kept.push_back(',');
    kept.append(member.data(), member.size());
  }
  return kept;
}

uint64_t NonZero(RandomGenerator& random) {
  for (int i = 0; i < 4; ++i) {
    const uint64_t v = random.Next();
    if (v != 0) return v;
  }
  return 1;  // a generator stuck at zero (tests) still yields a valid id
}

// 8 lower-case hex digits of `v` at `out`, most significant first, computed
// for all eight at once in a 64-bit word (ids are formatted on every traced
// request): each nibble is spread into a byte, then turned into its digit.
void PutHex8(uint32_t v, char* out) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "PutHex8 stores a little-endian word");
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFu;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFu;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Fu;  // byte i = nibble i
  // 1 in each byte whose nibble is 10..15 (those become 'a'..'f').
  const uint64_t letters = ((x + 0x0606060606060606u) >> 4) & 0x0101010101010101u;
  x += 0x3030303030303030u + letters * ('a' - '0' - 10);
  // Nibble 7 (the most significant) goes first: little-endian byte order reversed.
  x = __builtin_bswap64(x);
  std::memcpy(out, &x, 8);
}

char* PutHex2(uint8_t v, char* out) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  out[0] = kHexDigits[v >> 4];
  out[1] = kHexDigits[v & 0xF];
  return out + 2;
}

// 16 lower-case hex digits of `v` at `out`; returns out + 16.
char* PutHex16(uint64_t v, char* out) {
  PutHex8(static_cast<uint32_t>(v >> 32), out);
  PutHex8(static_cast<uint32_t>(v), out + 8);
  return out + 16;
}

char* PutTraceId(const TraceContext& c, char* out) {
  return PutHex16(c.trace_id_low, PutHex16(c.trace_id_high, out));
}

bool B3TraceIdIs64Bit(const TraceContext& c) {
  return c.b3_64bit_trace_id && c.trace_id_high == 0;
}

char* PutB3TraceId(const TraceContext& c, char* out) {
  return B3TraceIdIs64Bit(c) ? PutHex16(c.trace_id_low, out) : PutTraceId(c, out);
}

std::string Hex16(uint64_t v) {
  char buf[16];
  PutHex16(v, buf);
  return std::string(buf, sizeof(buf));
}

// "00-<32>-<16>-<2>" into `out` (kTraceparentSize bytes).
constexpr size_t kTraceparentSize = 55;
void PutTraceparent(const TraceContext& c, char* out) {
  const uint8_t flags = static_cast<uint8_t>(c.w3c_other_flags | (c.sampled() ? 1 : 0));
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  char* p = PutTraceId(c, out + 3);
  *p++ = '-';
  p = PutHex16(c.span_id, p);
  *p++ = '-';
  PutHex2(flags, p);
}

// The b3 single header into `out` (kB3SingleMaxSize bytes); returns the length.
constexpr size_t kB3SingleMaxSize = 32 + 1 + 16 + 2 + 1 + 16;
size_t PutB3Single(const TraceContext& c, char* out) {
  char* p = PutB3TraceId(c, out);
  *p++ = '-';
  p = PutHex16(c.span_id, p);
  char sampling;
  switch (c.sampling) {
    case Sampling::kDebug:
      sampling = 'd';
      break;
    case Sampling::kSampled:
      sampling = '1';
      break;
    case Sampling::kNotSampled:
      sampling = '0';
      break;
    case Sampling::kUnknown:
    default:
      // The parent field needs a sampling field before it; the parent is optional.
      return static_cast<size_t>(p - out);
  }
  *p++ = '-';
  *p++ = sampling;
  if (c.parent_span_id != 0) {
    *p++ = '-';
    p = PutHex16(c.parent_span_id, p);
  }
  return static_cast<size_t>(p - out);
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// `name` equals the lower-case `lower` ignoring ASCII case (lengths equal).
bool SameLengthEqualsLower(absl::string_view name, absl::string_view lower) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (LowerAscii(name[i]) != lower[i]) return false;
  }
  return true;
}

// The trace fields of a request, found in one pass over its header map
// (first occurrence of each, as HeaderMap::Get would return).
struct TraceFields {
  bool tracestate = false;  // any tracestate field (CollectTracestate reads them)
  absl::optional<absl::string_view> traceparent;
  absl::optional<absl::string_view> b3;
  absl::optional<absl::string_view> b3_trace_id;
  absl::optional<absl::string_view> b3_span_id;
  absl::optional<absl::string_view> b3_parent_span_id;
  absl::optional<absl::string_view> b3_sampled;
  absl::optional<absl::string_view> b3_flags;
};

void Keep(absl::optional<absl::string_view>& slot, absl::string_view value) {
  if (!slot.has_value()) slot = value;
}

TraceFields ScanTraceFields(const http::HeaderMap& headers) {
  TraceFields f;
  headers.ForEach([&f](absl::string_view name, absl::string_view value) {
    switch (name.size()) {
      case 2:
        if (SameLengthEqualsLower(name, "b3")) Keep(f.b3, value);
        break;
      case 10:
        if (SameLengthEqualsLower(name, "x-b3-flags")) {
          Keep(f.b3_flags, value);
        } else if (SameLengthEqualsLower(name, "tracestate")) {
          f.tracestate = true;
        }
        break;
      case 11:
        if (SameLengthEqualsLower(name, "traceparent")) {
          Keep(f.traceparent, value);
        } else if (SameLengthEqualsLower(name, "x-b3-spanid")) {
          Keep(f.b3_span_id, value);
        }
        break;
      case 12:
        if (SameLengthEqualsLower(name, "x-b3-traceid")) {
          Keep(f.b3_trace_id, value);
        } else if (SameLengthEqualsLower(name, "x-b3-sampled")) {
          Keep(f.b3_sampled, value);
        }
        break;
      case 17:
        if (SameLengthEqualsLower(name, "x-b3-parentspanid")) Keep(f.b3_parent_span_id, value);
        break;
      default:
        break;
    }
  });
  return f;
}

bool AnyTraceField(const TraceFields& f) {
  return f.tracestate || f.traceparent.has_value() || f.b3.has_value() ||
         f.b3_trace_id.has_value() || f.b3_span_id.has_value() ||
         f.b3_parent_span_id.has_value() || f.b3_sampled.has_value() || f.b3_flags.has_value();
}

absl::StatusOr<TraceContext> ParseB3MultiFields(const TraceFields& f);
ExtractedTrace ExtractFromFields(const http::HeaderMap& headers, const TraceFields& fields);

// A new trace: 128-bit trace id, root span.
void StartTrace(RandomGenerator& random, TraceContext& c) {
  c.trace_id_high = NonZero(random);
  c.trace_id_low = NonZero(random);
  c.span_id = NonZero(random);
}

}  // namespace

absl::StatusOr<TraceContext> ParseTraceparent(absl::string_view value) {
  constexpr absl::string_view kWhat = "traceparent";
  value = absl::StripAsciiWhitespace(value);
  if (value.size() < 55) {
    return Invalid(kWhat, absl::StrCat("is ", value.size(), " bytes, want 55"));
  }
  uint64_t version;
  if (!ParseHex64(value.substr(0, 2), false, &version)) {
    return Invalid(kWhat, "version is not 2 lowercase hex digits");
  }
  if (version == 0xff) return Invalid(kWhat, "version ff is invalid");
  if (version == 0 && value.size() != 55) {
    return Invalid(kWhat, absl::StrCat("version 00 is ", value.size(), " bytes, want 55"));
  }
  // Later versions may append fields after a '-'; the first four keep their shape.
  if (version > 0 && value.size() > 55 && value[55] != '-') {
    return Invalid(kWhat, "unexpected data after the flags");
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return Invalid(kWhat, "fields are not separated by '-' at offsets 2, 35, 52");
  }
  TraceContext c;
  if (!ParseHex64(value.substr(3, 16), false, &c.trace_id_high) ||
      !ParseHex64(value.substr(19, 16), false, &c.trace_id_low)) {
    return Invalid(kWhat, "trace id is not 32 lowercase hex digits");
  }
  if (c.trace_id_high == 0 && c.trace_id_low == 0) return Invalid(kWhat, "trace id is zero");
  if (!ParseHex64(value.substr(36, 16), false, &c.span_id)) {
    return Invalid(kWhat, "parent id is not 16 lowercase hex digits");
  }
  if (c.span_id == 0) return Invalid(kWhat, "parent id is zero");
  uint64_t flags;
  if (!ParseHex64(value.substr(53, 2), false, &flags)) {
    return Invalid(kWhat, "flags are not 2 lowercase hex digits");
  }
  c.sampling = (flags & 1) != 0 ? Sampling::kSampled : Sampling::kNotSampled;
  c.w3c_other_flags = static_cast<uint8_t>(flags & 0xFE);
  c.formats = kFormatW3C;
  return c;
}

absl::StatusOr<TraceContext> ParseB3Single(absl::string_view value) {
  constexpr absl::string_view kWhat = "b3";
  value = absl::StripAsciiWhitespace(value);
  std::vector<absl::string_view> fields = absl::StrSplit(value, '-');
  if (fields.size() == 1) {
    Sampling s;
    if (ParseSamplingFlag(value, true, &s)) {
      return absl::NotFoundError("b3 carries only a sampling decision");
    }
    return Invalid(kWhat, "want {traceid}-{spanid}[-{sampling}[-{parentspanid}]]");
  }
  if (fields.size() > 4) return Invalid(kWhat, "more than 4 fields");
  TraceContext c;
  absl::Status st = ParseB3TraceId(kWhat, fields[0], &c);
  if (!st.ok()) return st;
  st = ParseSpanId(kWhat, fields[1], &c.span_id);
  if (!st.ok()) return st;
  if (fields.size() >= 3 && !ParseSamplingFlag(fields[2], true, &c.sampling)) {
    return Invalid(kWhat, "sampling is not 0, 1 or d");
  }
  if (fields.size() == 4) {
    st = ParseSpanId(kWhat, fields[3], &c.parent_span_id);
    if (!st.ok()) return Invalid(kWhat, "parent span id is not 16 hex digits or is zero");
  }
  c.formats = kFormatB3Single;
  return c;
}

absl::StatusOr<TraceContext> ParseB3Multi(const http::HeaderMap& headers) {
  return ParseB3MultiFields(ScanTraceFields(headers));
}

namespace {

absl::StatusOr<TraceContext> ParseB3MultiFields(const TraceFields& f) {
  constexpr absl::string_view kWhat = "x-b3-traceid";
  if (!f.b3_trace_id.has_value()) return absl::NotFoundError("no x-b3-traceid");
  TraceContext c;
  absl::Status st = ParseB3TraceId(kWhat, absl::StripAsciiWhitespace(*f.b3_trace_id), &c);
  if (!st.ok()) return st;
  if (!f.b3_span_id.has_value()) return Invalid("x-b3-spanid", "missing");
  st = ParseSpanId("x-b3-spanid", absl::StripAsciiWhitespace(*f.b3_span_id), &c.span_id);
  if (!st.ok()) return st;
  if (f.b3_parent_span_id.has_value()) {
    st = ParseSpanId("x-b3-parentspanid", absl::StripAsciiWhitespace(*f.b3_parent_span_id),
                     &c.parent_span_id);
    if (!st.ok()) return st;
  }
  if (f.b3_sampled.has_value()) {
    // An unknown value defers the decision rather than discarding the ids.
    ParseSamplingFlag(absl::StripAsciiWhitespace(*f.b3_sampled), false, &c.sampling);
  }
  if (f.b3_flags.has_value()) {
    if (absl::StripAsciiWhitespace(*f.b3_flags) == "1") c.sampling = Sampling::kDebug;
  }
  c.formats = kFormatB3Multi;
  return c;
}

}  // namespace

ExtractedTrace ExtractTraceContext(const http::HeaderMap& headers) {
  // The common case, a request with no trace fields at all, costs one pass.
  return ExtractFromFields(headers, ScanTraceFields(headers));
}

namespace {

ExtractedTrace ExtractFromFields(const http::HeaderMap& headers, const TraceFields& fields) {
  ExtractedTrace out;
  uint8_t formats = 0;
  auto take = [&](absl::StatusOr<TraceContext> parsed) {
    if (!parsed.ok()) return;
    formats |= parsed->formats;
    if (!out.found) {
      out.found = true;
      out.context = *std::move(parsed);
    }
  };
  if (fields.traceparent.has_value()) {
    take(ParseTraceparent(*fields.traceparent));
    if (out.found) out.context.tracestate = CollectTracestate(headers);
  }
  const absl::optional<absl::string_view>& b3 = fields.b3;
  if (b3.has_value()) take(ParseB3Single(*b3));
  if (fields.b3_trace_id.has_value()) take(ParseB3MultiFields(fields));
  if (out.found) {
    out.context.formats = formats;
    return out;
  }
  // No ids anywhere; a bare B3 sampling decision still counts.
  Sampling s;
  if (b3.has_value() && ParseSamplingFlag(absl::StripAsciiWhitespace(*b3), true, &s)) {
    out.sampling_hint = s;
    out.hint_formats |= kFormatB3Single;
  }
  if (const absl::optional<absl::string_view>& flags = fields.b3_flags;
      flags.has_value() && absl::StripAsciiWhitespace(*flags) == "1") {
    if (out.sampling_hint == Sampling::kUnknown) out.sampling_hint = Sampling::kDebug;
    out.hint_formats |= kFormatB3Multi;
  } else if (const absl::optional<absl::string_view>& sampled = fields.b3_sampled;
             sampled.has_value() &&
             ParseSamplingFlag(absl::StripAsciiWhitespace(*sampled), false, &s)) {
    if (out.sampling_hint == Sampling::kUnknown) out.sampling_hint = s;
    out.hint_formats |= kFormatB3Multi;
  }
  return out;
}

}  // namespace

TraceContext ContinueOrStartTrace(const http::HeaderMap& headers, RandomGenerator& random,
                                  Sampling new_trace_sampling) {
  const TraceFields fields = ScanTraceFields(headers);
  if (!AnyTraceField(fields)) {
    // The common case: nothing to continue, nothing to remove on injection.
    TraceContext c;
    StartTrace(random, c);
    c.sampling = new_trace_sampling;
    c.request_has_trace_fields = false;
    return c;
  }
  ExtractedTrace extracted = ExtractFromFields(headers, fields);
  if (extracted.found) {
    TraceContext c = std::move(extracted.context);
    c.parent_span_id = c.span_id;
    c.span_id = NonZero(random);
    return c;
  }
  TraceContext c;
  StartTrace(random, c);
  c.sampling =
      extracted.sampling_hint != Sampling::kUnknown ? extracted.sampling_hint : new_trace_sampling;
  c.formats = extracted.hint_formats;
  return c;
}

void InjectTraceContext(const TraceContext& c, http::HeaderMap& headers) {
  // One pass removes every trace field, then the new ones are appended: the
  // same result as Set()/Remove() per name, without a pass per name. Values
  // are formatted on the stack and copied once, into the map's arena.
  if (c.request_has_trace_fields) {
    headers.RemoveAll({"traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid",
                       "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags"});
  }
  char traceparent[kTraceparentSize];
  PutTraceparent(c, traceparent);
  headers.Add("traceparent", absl::string_view(traceparent, sizeof(traceparent)));
  if (!c.tracestate.empty()) headers.Add("tracestate", c.tracestate);
  if ((c.formats & kFormatB3Single) != 0) {
    char b3[kB3SingleMaxSize];
    headers.Add("b3", absl::string_view(b3, PutB3Single(c, b3)));
  }
  if ((c.formats & kFormatB3Multi) == 0) return;
  char id[32];
  headers.Add("x-b3-traceid", absl::string_view(id, static_cast<size_t>(PutB3TraceId(c, id) - id)));
  headers.Add("x-b3-spanid", absl::string_view(id, static_cast<size_t>(PutHex16(c.span_id, id) - id)));
  if (c.parent_span_id != 0) {
    headers.Add("x-b3-parentspanid",
                absl::string_view(id, static_cast<size_t>(PutHex16(c.parent_span_id, id) - id)));
  }
  switch (c.sampling) {
    case Sampling::kDebug:
      headers.Add("x-b3-flags", "1");  // implies sampled
      break;
    case Sampling::kSampled:
      headers.Add("x-b3-sampled", "1");
      break;
    case Sampling::kNotSampled:
      headers.Add("x-b3-sampled", "0");
      break;
    case Sampling::kUnknown:
      break;
  }
}

std::string FormatTraceparent(const TraceContext& c) {
  char buf[kTraceparentSize];
  PutTraceparent(c, buf);
  return std::string(buf, sizeof(buf));
}

std::string FormatB3Single(const TraceContext& c) {
  char buf[kB3SingleMaxSize];
  return std::string(buf, PutB3Single(c, buf));
}

std::string TraceIdHex(const TraceContext& c) {
  char buf[32];
  PutTraceId(c, buf);
  return std::string(buf, sizeof(buf));
}

absl::string_view TraceIdHexInto(const TraceContext& c, char* out) {
  PutTraceId(c, out);
  return absl::string_view(out, kTraceIdHexSize);
}

void AppendTraceIdHex(const TraceContext& c, std::string* out) {
  char buf[32];
  PutTraceId(c, buf);
  out->append(buf, sizeof(buf));
}

std::string SpanIdHex(uint64_t span_id) { return Hex16(span_id); }

}  // namespace weft::observability
