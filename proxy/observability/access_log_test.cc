#include "proxy/observability/access_log.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace weft::observability {
namespace {

class MemorySink : public AccessLogSink {
 public:
  explicit MemorySink(std::vector<std::string>* lines) : lines_(lines) {}
  void Write(absl::string_view line) override { lines_->emplace_back(line); }
  absl::Status Flush() override {
    ++flushes;
    return absl::OkStatus();
  }
  int flushes = 0;

 private:
  std::vector<std::string>* lines_;
};

AccessLogRecord FullRecord() {
  AccessLogRecord r;
  r.start_time = absl::FromUnixMillis(1700000000123);
  r.duration = absl::Microseconds(12345);
  r.direction = "outbound";
  r.method = "GET";
  r.authority = "reviews.default:9080";
  r.path = "/api/v1/items?token=secret";
  r.protocol = "HTTP/1.1";
  r.response_code = 503;
  r.grpc_status = 14;
  r.error_reason = "upstream_timeout";
  r.response_flags = "UT";
  r.bytes_received = 10;
  r.bytes_sent = 2048;
  r.upstream_cluster = "outbound|9080||reviews.default.svc";
  r.upstream_endpoint = "10.0.0.7:9080";
  r.downstream_peer = "127.0.0.1:51234";
  r.source_identity = "spiffe://weft.local/ns/default/sa/web";
  r.destination_identity = "spiffe://weft.local/ns/default/sa/reviews";
  r.route = "reviews-v1";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.request_id = "req-\"1\"\n";
  return r;
}

TEST(AccessLogTest, FormatsEveryFieldAsOneJsonLine) {
  EXPECT_EQ(FormatAccessLogJson(FullRecord(), /*include_query=*/false),
            "{\"start_time\":\"2023-11-14T22:13:20.123Z\",\"duration_ms\":12.345,"
            "\"direction\":\"outbound\",\"method\":\"GET\",\"authority\":\"reviews.default:9080\","
            "\"path\":\"/api/v1/items\",\"protocol\":\"HTTP/1.1\",\"response_code\":503,"
            "\"grpc_status\":14,\"error_reason\":\"upstream_timeout\",\"response_flags\":\"UT\","
            "\"bytes_received\":10,\"bytes_sent\":2048,"
            "\"upstream_cluster\":\"outbound|9080||reviews.default.svc\","
            "\"upstream_endpoint\":\"10.0.0.7:9080\",\"downstream_peer\":\"127.0.0.1:51234\","
            "\"source_identity\":\"spiffe://weft.local/ns/default/sa/web\","
            "\"destination_identity\":\"spiffe://weft.local/ns/default/sa/reviews\","
            "\"route\":\"reviews-v1\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
            "\"request_id\":\"req-\\\"1\\\"\\n\"}\n");
}

TEST(AccessLogTest, KeepsQueryOnlyWhenAskedAndWritesNullGrpcStatus) {
  AccessLogRecord r = FullRecord();
  r.grpc_status = -1;
  const std::string with = FormatAccessLogJson(r, /*include_query=*/true);
  EXPECT_NE(with.find("\"path\":\"/api/v1/items?token=secret\""), std::string::npos);
  EXPECT_NE(with.find("\"grpc_status\":null"), std::string::npos);
  AccessLogRecord empty;
  const std::string line = FormatAccessLogJson(empty, false);
  EXPECT_EQ(line.substr(0, 52), "{\"start_time\":\"1970-01-01T00:00:00.000Z\",\"duration_m");
  EXPECT_NE(line.find("\"method\":\"\","), std::string::npos);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // exactly one line
}

TEST(AccessLogTest, ClassifiesErrors) {
  AccessLogRecord r;
  r.response_code = 200;
  EXPECT_FALSE(IsErrorRecord(r));
  r.response_code = 404;
  EXPECT_FALSE(IsErrorRecord(r));
  r.response_code = 500;
  EXPECT_TRUE(IsErrorRecord(r));
  r.response_code = 0;
  EXPECT_TRUE(IsErrorRecord(r));
  r.response_code = 200;
  r.grpc_status = 0;
  EXPECT_FALSE(IsErrorRecord(r));
  r.grpc_status = 5;
  EXPECT_TRUE(IsErrorRecord(r));
  r.grpc_status = -1;
  r.error_reason = "authz_denied";
  EXPECT_TRUE(IsErrorRecord(r));
}

TEST(AccessLogTest, SamplesByRatioButAlwaysLogsErrors) {
  constexpr uint64_t kHalf = uint64_t{1} << 52;  // ratio 0.5 of 2^53
  FixedRandom random({0, kHalf, kHalf - 1, (uint64_t{1} << 53) + 5});
  std::vector<std::string> lines;
  AccessLogOptions options;
  options.sample_ratio = 0.5;
  auto logger = AccessLogger::Create(options, std::make_unique<MemorySink>(&lines), random);
  ASSERT_TRUE(logger.ok());
  AccessLogRecord ok;
  ok.response_code = 200;
  EXPECT_TRUE((*logger)->Log(ok));   // 0 < 2^52
  EXPECT_FALSE((*logger)->Log(ok));  // 2^52 is not below
  AccessLogRecord error;
  error.response_code = 503;
  EXPECT_TRUE((*logger)->Log(error));  // no random draw for errors
  EXPECT_TRUE((*logger)->Log(ok));     // 2^52 - 1
  EXPECT_TRUE((*logger)->Log(ok));     // (2^53 + 5) mod 2^53 = 5
  EXPECT_EQ(lines.size(), 4u);
  EXPECT_EQ((*logger)->logged(), 4u);
  EXPECT_EQ((*logger)->sampled_out(), 1u);
  EXPECT_TRUE((*logger)->Flush().ok());
}

TEST(AccessLogTest, RatioZeroLogsOnlyErrorsUnlessDisabled) {
  FixedRandom random({0});
  std::vector<std::string> lines;
  AccessLogOptions options;
  options.sample_ratio = 0;
  auto logger = AccessLogger::Create(options, std::make_unique<MemorySink>(&lines), random);
  ASSERT_TRUE(logger.ok());
  AccessLogRecord ok;
  ok.response_code = 200;
  AccessLogRecord error;
  EXPECT_FALSE((*logger)->Log(ok));
  EXPECT_TRUE((*logger)->Log(error));
  options.always_log_errors = false;
  auto strict = AccessLogger::Create(options, std::make_unique<MemorySink>(&lines), random);
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE((*strict)->Log(error));
  EXPECT_EQ(lines.size(), 1u);
}

TEST(AccessLogTest, RejectsBadOptions) {
  FixedRandom random({0});
  std::vector<std::string> lines;
  AccessLogOptions options;
  options.sample_ratio = 1.5;
  auto bad = AccessLogger::Create(options, std::make_unique<MemorySink>(&lines), random);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("1.5"), absl::string_view::npos);
  options.sample_ratio = std::nan("");
  EXPECT_FALSE(AccessLogger::Create(options, std::make_unique<MemorySink>(&lines), random).ok());
  EXPECT_FALSE(AccessLogger::Create(AccessLogOptions{}, nullptr, random).ok());
}

}  // namespace
}  // namespace weft::observability

namespace weft::observability {
namespace {

TEST(AccessLogTest, TimestampsMatchAbslFormatTime) {
  // Across centuries, leap days, both sides of the epoch and every hour of a
  // day: the arithmetic formatter must print what absl::FormatTime prints.
  const int64_t starts[] = {-2208988800000, -86400001, -1, 0, 951782400000, 1700000000123,
                            4102444799999, 253402300799999};
  for (int64_t start : starts) {
    for (int64_t step = 0; step < 200; ++step) {
      const absl::Time t = absl::FromUnixMillis(start + step * 3601007);
      std::string got;
      AppendRfc3339Millis(t, &got);
      EXPECT_EQ(got, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()))
          << absl::ToUnixMillis(t);
    }
  }
  std::string inf;
  AppendRfc3339Millis(absl::InfiniteFuture(), &inf);
  EXPECT_EQ(inf, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::InfiniteFuture(),
                                  absl::UTCTimeZone()));
}

TEST(AccessLogTest, DurationsMatchPrintfWithThreeDecimals) {
  const int64_t micros[] = {0, 1, 999, 1000, 12345, 999999, 1000000, 86400000000, -2500};
  for (int64_t us : micros) {
    std::string got;
    AppendMillisWith3Decimals(absl::Microseconds(us), &got);
    EXPECT_EQ(got, absl::StrFormat("%.3f", static_cast<double>(us) / 1000.0)) << us;
  }
  std::string rounded;
  AppendMillisWith3Decimals(absl::Nanoseconds(1234567), &rounded);
  EXPECT_EQ(rounded, "1.235");
}

TEST(AccessLogTest, ReusedLineBufferNeverLeaksAnEarlierLine) {
  FixedRandom random({0});
  std::vector<std::string> lines;
  auto logger = AccessLogger::Create({}, std::make_unique<MemorySink>(&lines), random);
  ASSERT_TRUE(logger.ok());
  AccessLogRecord full = FullRecord();
  AccessLogRecord small;
  small.response_code = 200;
  ASSERT_TRUE((*logger)->Log(full));
  ASSERT_TRUE((*logger)->Log(small));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], FormatAccessLogJson(full, false));
  EXPECT_EQ(lines[1], FormatAccessLogJson(small, false));
  std::string appended = "prefix";
  AppendAccessLogJson(small, false, &appended);
  EXPECT_EQ(appended, "prefix" + lines[1]);
}

}  // namespace
}  // namespace weft::observability
