// libFuzzer target for the trace context parsers. The input is split at '\n'
// into header values for traceparent, tracestate, b3 and the five x-b3-*
// headers (in that order); then one proxy hop runs: continue or start, inject,
// and re-extract. Beyond "no crash, no sanitizer report" it checks the hop's
// invariants: ids are never zero, and what was injected parses back to the same
// trace and span.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/random/random.h"
#include "proxy/http/header_map.h"
#include "proxy/observability/trace_context.h"

namespace {

constexpr absl::string_view kNames[] = {"traceparent",  "tracestate",  "b3",
                                        "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid",
                                        "x-b3-sampled", "x-b3-flags"};

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace weft::observability;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  weft::http::HeaderMap headers;
  size_t i = 0;
  for (absl::string_view value : absl::StrSplit(input, '\n')) {
    if (i >= sizeof(kNames) / sizeof(kNames[0])) break;
    if (!value.empty()) headers.Add(kNames[i], value);
    ++i;
  }
  ParseTraceparent(input).IgnoreError();
  ParseB3Single(input).IgnoreError();

  weft::FixedRandom random({size, 0, 0x9e3779b97f4a7c15});
  TraceContext hop = ContinueOrStartTrace(headers, random, Sampling::kUnknown);
  Check(hop.span_id != 0);
  Check(hop.trace_id_high != 0 || hop.trace_id_low != 0);
  InjectTraceContext(hop, headers);

  ExtractedTrace back = ExtractTraceContext(headers);
  Check(back.found);
  Check(back.context.trace_id_high == hop.trace_id_high);
  Check(back.context.trace_id_low == hop.trace_id_low);
  Check(back.context.span_id == hop.span_id);
  Check(back.context.sampled() == hop.sampled());
  Check((back.context.formats & kFormatW3C) != 0);
  Check((back.context.formats & ~kFormatW3C) == (hop.formats & ~kFormatW3C));
  return 0;
}
