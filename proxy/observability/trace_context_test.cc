#include "proxy/observability/trace_context.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace weft::observability {
namespace {

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kSpanId[] = "00f067aa0ba902b7";
constexpr char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

http::HeaderMap Headers(std::vector<std::pair<std::string, std::string>> fields) {
  http::HeaderMap h;
  for (const auto& [name, value] : fields) h.Add(name, value);
  return h;
}

TEST(TraceparentTest, ParsesValidValues) {
  auto c = ParseTraceparent(kTraceparent);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(TraceIdHex(*c), kTraceId);
  EXPECT_EQ(SpanIdHex(c->span_id), kSpanId);
  EXPECT_EQ(c->sampling, Sampling::kSampled);
  EXPECT_EQ(c->formats, kFormatW3C);
  auto unsampled = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled.ok());
  EXPECT_EQ(unsampled->sampling, Sampling::kNotSampled);
  // Unknown flag bits are kept; a later version may append fields.
  auto future = ParseTraceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-xyz");
  ASSERT_TRUE(future.ok()) << future.status();
  EXPECT_EQ(future->w3c_other_flags, 2);
  EXPECT_EQ(FormatTraceparent(*future), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  EXPECT_EQ(FormatTraceparent(*c), kTraceparent);
}

TEST(TraceparentTest, RejectsMalformedValues) {
  const char* const bad[] = {
      "",
      "00",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",    // short
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // v00 too long
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero span
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
      "00-4bf92f3577b34da6a3ce929d0e0e473--00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-+1",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01a",  // v01, no '-' after
  };
  for (const char* value : bad) {
    auto c = ParseTraceparent(value);
    EXPECT_FALSE(c.ok()) << value;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << value;
  }
}

TEST(B3SingleTest, ParsesTheDocumentedShapes) {
  struct Case {
    const char* value;
    uint64_t high, low, span, parent;
    Sampling sampling;
    bool is64;
  };
  const Case cases[] = {
      {"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", 0x80f198ee56343ba8,
       0x64fe8b2a57d3eff7, 0xe457b5a2e4d86bd1, 0x05e3ac9a4f6e3b90, Sampling::kSampled, false},
      {"64fe8b2a57d3eff7-e457b5a2e4d86bd1", 0, 0x64fe8b2a57d3eff7, 0xe457b5a2e4d86bd1, 0,
       Sampling::kUnknown, true},
      {"64FE8B2A57D3EFF7-E457B5A2E4D86BD1-d", 0, 0x64fe8b2a57d3eff7, 0xe457b5a2e4d86bd1, 0,
       Sampling::kDebug, true},
      {"64fe8b2a57d3eff7-e457b5a2e4d86bd1-0", 0, 0x64fe8b2a57d3eff7, 0xe457b5a2e4d86bd1, 0,
       Sampling::kNotSampled, true},
  };
  for (const Case& c : cases) {
    auto t = ParseB3Single(c.value);
    ASSERT_TRUE(t.ok()) << c.value << ": " << t.status();
    EXPECT_EQ(t->trace_id_high, c.high) << c.value;
    EXPECT_EQ(t->trace_id_low, c.low) << c.value;
    EXPECT_EQ(t->span_id, c.span) << c.value;
    EXPECT_EQ(t->parent_span_id, c.parent) << c.value;
    EXPECT_EQ(t->sampling, c.sampling) << c.value;
    EXPECT_EQ(t->b3_64bit_trace_id, c.is64) << c.value;
  }
  EXPECT_EQ(ParseB3Single("1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FormatB3Single(*ParseB3Single(cases[0].value)), cases[0].value);
}

TEST(B3SingleTest, RejectsMalformedValues) {
  const char* const bad[] = {
      "",
      "x",
      "2",
      "-",
      "64fe8b2a57d3eff7",
      "64fe8b2a57d3eff7-",
      "64fe8b2a57d3eff7-e457b5a2e4d86bd",              // short span
      "64fe8b2a57d3eff-e457b5a2e4d86bd1",              // 15-digit trace
      "0000000000000000-e457b5a2e4d86bd1",             // zero trace
      "64fe8b2a57d3eff7-0000000000000000",             // zero span
      "64fe8b2a57d3eff7-e457b5a2e4d86bd1-2",           // bad sampling
      "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a",  // short parent
      "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-extra",
      "6g fe8b2a57d3eff-e457b5a2e4d86bd1",
  };
  for (const char* value : bad) {
    auto c = ParseB3Single(value);
    EXPECT_FALSE(c.ok()) << value;
  }
}

TEST(B3MultiTest, ParsesAndRejects) {
  auto ok = ParseB3Multi(Headers({{"X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"},
                                  {"X-B3-SpanId", "a2fb4a1d1a96d312"},
                                  {"X-B3-ParentSpanId", "0020000000000001"},
                                  {"X-B3-Sampled", "1"}}));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(TraceIdHex(*ok), "463ac35c9f6413ad48485a3953bb6124");
  EXPECT_EQ(ok->parent_span_id, 0x0020000000000001u);
  EXPECT_EQ(ok->sampling, Sampling::kSampled);
  auto debug = ParseB3Multi(Headers({{"x-b3-traceid", "a3953bb6124abcde"},
                                     {"x-b3-spanid", "a2fb4a1d1a96d312"},
                                     {"x-b3-sampled", "0"},
                                     {"x-b3-flags", "1"}}));
  ASSERT_TRUE(debug.ok());
  EXPECT_EQ(debug->sampling, Sampling::kDebug);
  EXPECT_TRUE(debug->b3_64bit_trace_id);
  EXPECT_EQ(ParseB3Multi(Headers({})).status().code(), absl::StatusCode::kNotFound);
  const std::vector<std::pair<std::string, std::string>> bad[] = {
      {{"x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"}},  // no span id
      {{"x-b3-traceid", "463ac35c9f6413ad4848"}, {"x-b3-spanid", "a2fb4a1d1a96d312"}},
      {{"x-b3-traceid", "0000000000000000"}, {"x-b3-spanid", "a2fb4a1d1a96d312"}},
      {{"x-b3-traceid", "463ac35c9f6413ad"}, {"x-b3-spanid", "xyz"}},
      {{"x-b3-traceid", "463ac35c9f6413ad"},
       {"x-b3-spanid", "a2fb4a1d1a96d312"},
       {"x-b3-parentspanid", "0000000000000000"}},
  };
  for (const auto& fields : bad) EXPECT_FALSE(ParseB3Multi(Headers(fields)).ok());
}

TEST(TraceHopTest, ContinuesAValidTraceparentWithANewSpan) {
  FixedRandom random({0x1111111111111111});
  http::HeaderMap h = Headers(
      {{"traceparent", kTraceparent}, {"tracestate", "vendor=a"}, {"TraceState", "other=b"}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  EXPECT_EQ(TraceIdHex(c), kTraceId);
  EXPECT_EQ(SpanIdHex(c.parent_span_id), kSpanId);
  EXPECT_EQ(c.span_id, 0x1111111111111111u);
  EXPECT_EQ(c.sampling, Sampling::kSampled);
  EXPECT_EQ(c.tracestate, "vendor=a,other=b");
  InjectTraceContext(c, h);
  EXPECT_EQ(h.Get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01");
  EXPECT_EQ(h.Get("tracestate"), "vendor=a,other=b");
  EXPECT_FALSE(h.Has("b3"));
  EXPECT_FALSE(h.Has("x-b3-traceid"));
}

TEST(TraceHopTest, StartsANewTraceWhenAbsentOrInvalid) {
  const std::vector<std::pair<std::string, std::string>> inputs[] = {
      {},
      {{"traceparent", "garbage"}, {"tracestate", "dropped=1"}},
      {{"traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}},
      {{"b3", "not-valid"}},
      {{"x-b3-traceid", "zz"}, {"x-b3-spanid", "a2fb4a1d1a96d312"}},
  };
  for (const auto& fields : inputs) {
    FixedRandom random({0xaaaa, 0xbbbb, 0xcccc});
    http::HeaderMap h = Headers(fields);
    TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
    EXPECT_EQ(c.trace_id_high, 0xaaaau);
    EXPECT_EQ(c.trace_id_low, 0xbbbbu);
    EXPECT_EQ(c.span_id, 0xccccu);
    EXPECT_EQ(c.parent_span_id, 0u);
    EXPECT_EQ(c.formats, 0);
    InjectTraceContext(c, h);
    EXPECT_EQ(h.Get("traceparent"), "00-000000000000aaaa000000000000bbbb-000000000000cccc-00");
    // Nothing stale is forwarded next to the new trace.
    EXPECT_FALSE(h.Has("tracestate"));
    EXPECT_FALSE(h.Has("b3"));
    EXPECT_FALSE(h.Has("x-b3-traceid"));
    EXPECT_FALSE(h.Has("x-b3-spanid"));
  }
}

TEST(TraceHopTest, RemovesLoneStaleFieldsButSkipsTheScanWhenThereAreNone) {
  // Fields that carry no usable context on their own are still removed.
  const std::vector<std::pair<std::string, std::string>> lone_fields[] = {
      {{"TraceState", "vendor=a"}},
      {{"x-b3-spanid", "a2fb4a1d1a96d312"}},
      {{"x-b3-parentspanid", "a2fb4a1d1a96d312"}},
  };
  for (const auto& fields : lone_fields) {
    FixedRandom random({0xaaaa});
    http::HeaderMap h = Headers(fields);
    TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
    EXPECT_TRUE(c.request_has_trace_fields) << fields[0].first;
    InjectTraceContext(c, h);
    std::vector<std::string> names;
    h.ForEach([&names](absl::string_view name, absl::string_view) { names.emplace_back(name); });
    EXPECT_EQ(names, std::vector<std::string>{"traceparent"}) << fields[0].first;
  }
  FixedRandom random({0xaaaa});
  http::HeaderMap h = Headers({{"user-agent", "test"}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  EXPECT_FALSE(c.request_has_trace_fields);
  InjectTraceContext(c, h);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.Get("traceparent"), "00-000000000000aaaa000000000000aaaa-000000000000aaaa-00");
}

TEST(TraceHopTest, FormatsEveryByteValueAsLowerCaseHex) {
  TraceContext c;
  c.trace_id_high = 0x0123456789abcdefu;
  c.trace_id_low = 0xfedcba9876543210u;
  EXPECT_EQ(TraceIdHex(c), "0123456789abcdeffedcba9876543210");
  for (uint64_t b = 0; b < 256; ++b) {
    EXPECT_EQ(SpanIdHex(b * 0x0101010101010101u), absl::StrCat(absl::Hex(b * 0x0101010101010101u,
                                                                          absl::kZeroPad16)));
  }
}

TEST(TraceHopTest, ZeroRandomValuesNeverMakeZeroIds) {
  FixedRandom random({0});
  TraceContext c = ContinueOrStartTrace(http::HeaderMap(), random, Sampling::kSampled);
  EXPECT_NE(c.trace_id_low, 0u);
  EXPECT_NE(c.span_id, 0u);
  EXPECT_TRUE(ParseTraceparent(FormatTraceparent(c)).ok());
}

TEST(TraceHopTest, WritesBackTheB3FormatsItReceived) {
  FixedRandom random({0x2222222222222222});
  http::HeaderMap h = Headers({{"x-b3-traceid", "a3953bb6124abcde"},
                               {"x-b3-spanid", "a2fb4a1d1a96d312"},
                               {"x-b3-sampled", "1"},
                               {"b3", "a3953bb6124abcde-a2fb4a1d1a96d312-1"}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  EXPECT_EQ(c.formats, kFormatB3Single | kFormatB3Multi);
  InjectTraceContext(c, h);
  EXPECT_EQ(h.Get("x-b3-traceid"), "a3953bb6124abcde");  // 64-bit stays 64-bit
  EXPECT_EQ(h.Get("x-b3-spanid"), "2222222222222222");
  EXPECT_EQ(h.Get("x-b3-parentspanid"), "a2fb4a1d1a96d312");
  EXPECT_EQ(h.Get("x-b3-sampled"), "1");
  EXPECT_EQ(h.Get("b3"), "a3953bb6124abcde-2222222222222222-1-a2fb4a1d1a96d312");
  EXPECT_EQ(h.Get("traceparent"), "00-0000000000000000a3953bb6124abcde-2222222222222222-01");
}

TEST(TraceHopTest, TraceparentWinsOverB3AndB3IsRewrittenToMatch) {
  FixedRandom random({0x3333333333333333});
  http::HeaderMap h = Headers({{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0"},
                               {"traceparent", kTraceparent}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  EXPECT_EQ(TraceIdHex(c), kTraceId);
  EXPECT_EQ(c.formats, kFormatW3C | kFormatB3Single);
  InjectTraceContext(c, h);
  EXPECT_EQ(h.Get("b3"), std::string(kTraceId) + "-3333333333333333-1-" + kSpanId);
}

TEST(TraceHopTest, DebugAndBareSamplingDecisions) {
  FixedRandom random({5, 6, 7, 8});
  http::HeaderMap debug = Headers({{"x-b3-traceid", "a3953bb6124abcde"},
                                   {"x-b3-spanid", "a2fb4a1d1a96d312"},
                                   {"x-b3-flags", "1"}});
  TraceContext c = ContinueOrStartTrace(debug, random, Sampling::kNotSampled);
  InjectTraceContext(c, debug);
  EXPECT_EQ(debug.Get("x-b3-flags"), "1");
  EXPECT_FALSE(debug.Has("x-b3-sampled"));
  EXPECT_TRUE(absl::EndsWith(*debug.Get("traceparent"), "-01"));

  // "b3: 0" alone: a new trace that keeps the caller's "do not sample".
  http::HeaderMap bare = Headers({{"b3", "0"}});
  TraceContext n = ContinueOrStartTrace(bare, random, Sampling::kSampled);
  EXPECT_EQ(n.sampling, Sampling::kNotSampled);
  EXPECT_EQ(n.parent_span_id, 0u);
  InjectTraceContext(n, bare);
  EXPECT_TRUE(absl::EndsWith(*bare.Get("b3"), "-0"));
  http::HeaderMap multi = Headers({{"x-b3-sampled", "1"}});
  TraceContext m = ContinueOrStartTrace(multi, random, Sampling::kNotSampled);
  EXPECT_EQ(m.sampling, Sampling::kSampled);
  InjectTraceContext(m, multi);
  EXPECT_TRUE(multi.Has("x-b3-traceid"));
  EXPECT_EQ(multi.Get("x-b3-sampled"), "1");
}

TEST(TraceHopTest, TracestateIsCappedAtMemberBoundaries) {
  FixedRandom random({1});
  std::string state;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&state, i > 0 ? "," : "", "v", i, "=abcdef");
  http::HeaderMap h = Headers({{"traceparent", kTraceparent}, {"tracestate", state}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  EXPECT_LE(c.tracestate.size(), 512u);
  EXPECT_GT(c.tracestate.size(), 400u);
  EXPECT_TRUE(absl::StartsWith(c.tracestate, "v0=abcdef,v1=abcdef"));
  EXPECT_TRUE(absl::EndsWith(c.tracestate, "=abcdef"));
  http::HeaderMap ctl = Headers({{"traceparent", kTraceparent}, {"tracestate", "a=\x01"}});
  EXPECT_EQ(ContinueOrStartTrace(ctl, random, Sampling::kNotSampled).tracestate, "");
}

}  // namespace
}  // namespace weft::observability

namespace weft::observability {
namespace {

// Every name and value in order, so that a test sees removals and duplicates.
std::vector<std::pair<std::string, std::string>> AllFields(const http::HeaderMap& h) {
  std::vector<std::pair<std::string, std::string>> out;
  h.ForEach([&](absl::string_view name, absl::string_view value) {
    out.emplace_back(std::string(name), std::string(value));
  });
  return out;
}

TEST(TraceHopTest, InjectReplacesEveryTraceFieldWhateverItsCaseAndKeepsTheRest) {
  FixedRandom random({0x4444444444444444});
  http::HeaderMap h = Headers({{"Accept", "*/*"},
                               {"TraceParent", kTraceparent},
                               {"TRACESTATE", "a=1"},
                               {"X-B3-TraceId", "a3953bb6124abcde"},
                               {"X-B3-SpanId", "a2fb4a1d1a96d312"},
                               {"X-B3-ParentSpanId", "1111111111111111"},
                               {"X-B3-Sampled", "1"},
                               {"X-B3-Flags", "0"},
                               {"B3", "0"},
                               {"traceparent", "00-ffffffffffffffffffffffffffffffff-1111111111111111-00"},
                               {"user-agent", "t"}});
  TraceContext c = ContinueOrStartTrace(h, random, Sampling::kNotSampled);
  // Upper-case names are found: the first traceparent wins.
  EXPECT_EQ(TraceIdHex(c), kTraceId);
  EXPECT_EQ(c.tracestate, "a=1");
  EXPECT_EQ(c.formats, kFormatW3C | kFormatB3Multi);
  InjectTraceContext(c, h);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Accept", "*/*"},
      {"user-agent", "t"},
      {"traceparent", std::string("00-") + kTraceId + "-4444444444444444-01"},
      {"tracestate", "a=1"},
      {"x-b3-traceid", kTraceId},
      {"x-b3-spanid", "4444444444444444"},
      {"x-b3-parentspanid", kSpanId},
      {"x-b3-sampled", "1"}};
  EXPECT_EQ(AllFields(h), want);
}

TEST(TraceHopTest, FormattedIdsMatchPrintfHex) {
  TraceContext c;
  c.trace_id_high = 0x0123456789abcdef;
  c.trace_id_low = 0xfedcba9876543210;
  c.span_id = 0x000000000000000a;
  c.parent_span_id = 0xa000000000000000;
  c.sampling = Sampling::kDebug;
  c.w3c_other_flags = 0xf0;
  EXPECT_EQ(TraceIdHex(c), "0123456789abcdeffedcba9876543210");
  std::string appended = "x";
  AppendTraceIdHex(c, &appended);
  EXPECT_EQ(appended, "x0123456789abcdeffedcba9876543210");
  char buf[kTraceIdHexSize];
  EXPECT_EQ(TraceIdHexInto(c, buf), "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(SpanIdHex(c.span_id), "000000000000000a");
  EXPECT_EQ(FormatTraceparent(c),
            "00-0123456789abcdeffedcba9876543210-000000000000000a-f1");
  EXPECT_EQ(FormatB3Single(c),
            "0123456789abcdeffedcba9876543210-000000000000000a-d-a000000000000000");
  c.sampling = Sampling::kUnknown;
  EXPECT_EQ(FormatB3Single(c), "0123456789abcdeffedcba9876543210-000000000000000a");
  c.trace_id_high = 0;
  c.b3_64bit_trace_id = true;
  c.sampling = Sampling::kNotSampled;
  c.parent_span_id = 0;
  EXPECT_EQ(FormatB3Single(c), "fedcba9876543210-000000000000000a-0");
}

}  // namespace
}  // namespace weft::observability
