#ifndef WEFT_PROXY_OBSERVABILITY_TRACE_CONTEXT_H_
#define WEFT_PROXY_OBSERVABILITY_TRACE_CONTEXT_H_

// Trace context propagation for one proxy hop: W3C Trace Context
// (`traceparent` version 00, `tracestate` passed through) and Zipkin B3, both
// the multi-header form (x-b3-traceid/spanid/parentspanid/sampled/flags) and the
// single `b3` header. The proxy does not export spans; it keeps traces connected
// by continuing the caller's trace with a span of its own, and starts a new
// trace when the request carries none (or only malformed ones).
//
//   TraceContext trace = ContinueOrStartTrace(request.headers, random,
//                                             /*new_trace_sampling=*/Sampling::kNotSampled);
//   InjectTraceContext(trace, request.headers);  // before forwarding upstream
//   access_log_record.trace_id = TraceIdHex(trace);
//
// Precedence when several formats arrive: traceparent, then b3, then x-b3-*.
// Every format that parsed validly is written back (with the winner's ids), and
// traceparent always is. Headers of a format that is not written back are
// removed, so a hop never forwards ids that disagree with each other.
// Invalid input (wrong lengths, non-hex, all-zero ids, version ff...) never
// crashes: the format is ignored, as if absent.
//
// Pure functions over small structs; thread-compatible (the RandomGenerator is
// the caller's worker's).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/random/random.h"
#include "proxy/http/header_map.h"

namespace weft::observability {

// Bits of TraceContext::formats.
inline constexpr uint8_t kFormatW3C = 1;
inline constexpr uint8_t kFormatB3Single = 2;
inline constexpr uint8_t kFormatB3Multi = 4;

enum class Sampling : uint8_t {
  kUnknown,  // no decision yet (B3 allows deferring it); written as not sampled in W3C
  kSampled,
  kNotSampled,
  kDebug,  // B3 debug (x-b3-flags: 1, b3 "d"); implies sampled
};

struct TraceContext {
  uint64_t trace_id_high = 0;  // 0 for a 64-bit B3 trace id
  uint64_t trace_id_low = 0;
  uint64_t span_id = 0;
  uint64_t parent_span_id = 0;  // 0 = none (a root span)
  Sampling sampling = Sampling::kUnknown;
  // W3C trace flags other than "sampled" (bits 1..7), kept for write-back.
  uint8_t w3c_other_flags = 0;
  // The `tracestate` value, passed through unchanged (several headers joined
  // with ","); only kept alongside a valid traceparent.
  std::string tracestate;
  // Formats received validly (kFormat*); InjectTraceContext writes these.
  uint8_t formats = 0;
  // The B3 trace id arrived with 16 hex digits: write B3 back that way.
  bool b3_64bit_trace_id = false;
  // False only when ContinueOrStartTrace found no trace field at all (no
  // traceparent, tracestate, b3 or x-b3-*) in the request it read: injecting
  // back into that same request then has nothing to remove first.
  bool request_has_trace_fields = true;

  bool sampled() const { return sampling == Sampling::kSampled || sampling == Sampling::kDebug; }
};

// Parses one header value. kInvalidArgument names the problem.
absl::StatusOr<TraceContext> ParseTraceparent(absl::string_view value);
// `b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]`. A bare sampling
// decision ("0", "1", "d") is not a context: kNotFound (see ExtractTraceContext).
absl::StatusOr<TraceContext> ParseB3Single(absl::string_view value);
// x-b3-* headers; kNotFound when x-b3-traceid is absent.
absl::StatusOr<TraceContext> ParseB3Multi(const http::HeaderMap& headers);

struct ExtractedTrace {
  bool found = false;  // `context` holds a valid incoming context
  TraceContext context;
  // A sampling decision that came without ids (b3: 0 / x-b3-sampled alone...),
  // and the B3 formats it came in (written back on the new trace).
  Sampling sampling_hint = Sampling::kUnknown;
  uint8_t hint_formats = 0;
};

// The incoming context, per the precedence above.
ExtractedTrace ExtractTraceContext(const http::HeaderMap& headers);

// The context for this hop. With a valid incoming context: the same trace and
// sampling, a new random span id, parent = the caller's span. Otherwise a new
// 128-bit trace (root span, no parent) with the hint's sampling when the request
// carried one, else `new_trace_sampling`. Ids are never zero.
TraceContext ContinueOrStartTrace(const http::HeaderMap& headers, RandomGenerator& random,
                                  Sampling new_trace_sampling);

// Writes `context` into request headers for the next hop (see above). When
// `context.request_has_trace_fields` is false, `headers` must be the request
// ContinueOrStartTrace read (unchanged since): no stale field is looked for.
void InjectTraceContext(const TraceContext& context, http::HeaderMap& headers);

// "00-<32 hex>-<16 hex>-<2 hex>".
std::string FormatTraceparent(const TraceContext& context);
std::string FormatB3Single(const TraceContext& context);
// 32 lowercase hex digits (64-bit ids left-padded with zeros), for logs.
std::string TraceIdHex(const TraceContext& context);
// The same 32 digits appended to `out` (no temporary string).
void AppendTraceIdHex(const TraceContext& context, std::string* out);
inline constexpr size_t kTraceIdHexSize = 32;
// The same 32 digits written to out[0, kTraceIdHexSize), returned as a view of
// them: no allocation (for the access log record, which takes views).
absl::string_view TraceIdHexInto(const TraceContext& context, char* out);
// 16 lowercase hex digits.
std::string SpanIdHex(uint64_t span_id);

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_TRACE_CONTEXT_H_
