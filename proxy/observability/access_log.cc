#include "proxy/observability/access_log.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proxy/observability/json_escape.h"

namespace weft::observability {
namespace {

// 2^53: sampling compares a uniform integer below this with ratio * 2^53.
constexpr uint64_t kSampleScale = uint64_t{1} << 53;

// Room for the formatted time or duration (fast or slow path).
constexpr size_t kScratchBytes = 64;

// `width` decimal digits of `value` (0 <= value < 10^width) at `p`.
char* PutDigits(int64_t value, int width, char* p) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

bool CivilFromUnixDays(int64_t days, int64_t* year, int* month, int* day) {
  // Gregorian calendar from days since 1970-01-01 (H. Hinnant's algorithm).
  if (days < -1000000000 || days > 1000000000) return false;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                      // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                    // [0, 11]
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
  return true;
}

namespace {

// The text of AppendRfc3339Millis() into `buf`; returns its length.
size_t PutRfc3339Millis(absl::Time t, char (&buf)[kScratchBytes]) {
  // Arithmetic instead of absl::FormatTime (a time-zone lookup and a format
  // parse per line); the same text, milliseconds truncated toward the past.
  int64_t year = 0;
  int month = 0;
  int day = 0;
  const bool finite = t != absl::InfiniteFuture() && t != absl::InfinitePast();
  const int64_t ms = finite ? absl::ToUnixMillis(t) : 0;
  const int64_t secs = FloorDiv(ms, 1000);
  const int64_t days = FloorDiv(secs, 86400);
  if (!finite || !CivilFromUnixDays(days, &year, &month, &day) || year < 0 || year > 9999) {
    const std::string slow = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
    const size_t n = std::min(slow.size(), sizeof(buf));
    std::memcpy(buf, slow.data(), n);
    return n;
  }
  const int64_t second_of_day = secs - days * 86400;
  char* p = PutDigits(year, 4, buf);
  *p++ = '-';
  p = PutDigits(month, 2, p);
  *p++ = '-';
  p = PutDigits(day, 2, p);
  *p++ = 'T';
  p = PutDigits(second_of_day / 3600, 2, p);
  *p++ = ':';
  p = PutDigits(second_of_day / 60 % 60, 2, p);
  *p++ = ':';
  p = PutDigits(second_of_day % 60, 2, p);
  *p++ = '.';
  p = PutDigits(ms - secs * 1000, 3, p);
  *p++ = 'Z';
  return static_cast<size_t>(p - buf);
}

// The text of AppendMillisWith3Decimals() into `buf`; returns its length.
size_t PutMillisWith3Decimals(absl::Duration d, char (&buf)[kScratchBytes]) {
  // Whole microseconds, rounded to nearest like "%.3f"; integer formatting
  // instead of a printf per line. Durations past ~13 days take the slow path.
  constexpr int64_t kFastLimitNanos = int64_t{1} << 50;
  const int64_t ns = absl::ToInt64Nanoseconds(d);
  if (ns <= -kFastLimitNanos || ns >= kFastLimitNanos) {
    const int n = absl::SNPrintF(buf, sizeof(buf), "%.3f", absl::ToDoubleMilliseconds(d));
    return n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof(buf) - 1);
  }
  const bool negative = ns < 0;
  const int64_t abs_ns = negative ? -ns : ns;
  const int64_t us = (abs_ns + 500) / 1000;
  char* p = buf;
  if (negative && us != 0) *p++ = '-';
  p = absl::numbers_internal::FastIntToBuffer(us / 1000, p);
  *p++ = '.';
  p = PutDigits(us % 1000, 3, p);
  return static_cast<size_t>(p - buf);
}

// Writes a line into a buffer sized for its worst case (see
// JsonStringMaxSize): no bounds checks and no std::string call per piece.
class LineWriter {
 public:
  explicit LineWriter(char* p) : p_(p) {}
  void Literal(absl::string_view text) {
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void String(absl::string_view key_literal, absl::string_view value) {
    Literal(key_literal);
    p_ = WriteJsonString(value, p_);
  }
  template <typename Int>
  void Integer(absl::string_view key_literal, Int value) {
    Literal(key_literal);
    p_ = absl::numbers_internal::FastIntToBuffer(value, p_);
  }
  char* end() const { return p_; }

 private:
  char* p_;
};

}  // namespace

void AppendRfc3339Millis(absl::Time t, std::string* out) {
  char buf[kScratchBytes];
  out->append(buf, PutRfc3339Millis(t, buf));
}

void AppendMillisWith3Decimals(absl::Duration d, std::string* out) {
  char buf[kScratchBytes];
  out->append(buf, PutMillisWith3Decimals(d, buf));
}

bool IsErrorRecord(const AccessLogRecord& r) {
  return r.response_code == 0 || r.response_code >= 500 || (r.grpc_status > 0) ||
         !r.error_reason.empty();
}

void AppendAccessLogJson(const AccessLogRecord& r, bool include_query, std::string* out) {
  absl::string_view path = r.path;
  if (!include_query) path = path.substr(0, path.find('?'));
  const absl::string_view strings[] = {
      r.direction,       r.method,          r.authority,         path,
      r.protocol,        r.error_reason,    r.response_flags,    r.upstream_cluster,
      r.upstream_endpoint, r.downstream_peer, r.source_identity, r.destination_identity,
      r.route,           r.trace_id,        r.request_id};
  // Keys and punctuation (~330 bytes), five integers (<= 20 bytes each), the
  // time and the duration (kScratchBytes each), then every string's worst case.
  size_t bound = 512 + 2 * kScratchBytes;
  for (absl::string_view s : strings) bound += JsonStringMaxSize(s.size());
  const size_t old_size = out->size();
  out->resize(old_size + bound);
  LineWriter w(&(*out)[old_size]);
  char scratch[kScratchBytes];
  w.Literal("{\"start_time\":\"");
  w.Literal(absl::string_view(scratch, PutRfc3339Millis(r.start_time, scratch)));
  w.Literal("\",\"duration_ms\":");
  w.Literal(absl::string_view(scratch, PutMillisWith3Decimals(r.duration, scratch)));
  w.String(",\"direction\":", r.direction);
  w.String(",\"method\":", r.method);
  w.String(",\"authority\":", r.authority);
  w.String(",\"path\":", path);
  w.String(",\"protocol\":", r.protocol);
  w.Integer(",\"response_code\":", r.response_code);
  if (r.grpc_status >= 0) {
    w.Integer(",\"grpc_status\":", r.grpc_status);
  } else {
    w.Literal(",\"grpc_status\":null");
  }
  w.String(",\"error_reason\":", r.error_reason);
  w.String(",\"response_flags\":", r.response_flags);
  w.Integer(",\"bytes_received\":", r.bytes_received);
  w.Integer(",\"bytes_sent\":", r.bytes_sent);
  w.String(",\"upstream_cluster\":", r.upstream_cluster);
  w.String(",\"upstream_endpoint\":", r.upstream_endpoint);
  w.String(",\"downstream_peer\":", r.downstream_peer);
  w.String(",\"source_identity\":", r.source_identity);
  w.String(",\"destination_identity\":", r.destination_identity);
  w.String(",\"route\":", r.route);
  w.String(",\"trace_id\":", r.trace_id);
  w.String(",\"request_id\":", r.request_id);
  w.Literal("}\n");
  out->resize(static_cast<size_t>(w.end() - out->data()));
}

std::string FormatAccessLogJson(const AccessLogRecord& r, bool include_query) {
  std::string out;
  AppendAccessLogJson(r, include_query, &out);
  return out;
}

absl::StatusOr<std::unique_ptr<AccessLogger>> AccessLogger::Create(
    const AccessLogOptions& options, std::unique_ptr<AccessLogSink> sink, RandomGenerator& random) {
  if (!(options.sample_ratio >= 0.0 && options.sample_ratio <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("access log sample_ratio ", options.sample_ratio, " is outside [0, 1]"));
  }
  if (sink == nullptr) return absl::InvalidArgumentError("access log needs a sink");
  return std::unique_ptr<AccessLogger>(new AccessLogger(options, std::move(sink), random));
}

bool AccessLogger::Log(const AccessLogRecord& record) {
  bool keep;
  if (options_.always_log_errors && IsErrorRecord(record)) {
    keep = true;
  } else if (options_.sample_ratio >= 1.0) {
    keep = true;
  } else if (options_.sample_ratio <= 0.0) {
    keep = false;
  } else {
    const uint64_t threshold =
        static_cast<uint64_t>(options_.sample_ratio * static_cast<double>(kSampleScale));
    keep = random_.Uniform(kSampleScale) < threshold;
  }
  if (!keep) {
    ++sampled_out_;
    return false;
  }
  // The line is built in a buffer that lives as long as the logger: no
  // allocation per line once it has grown to the longest line seen.
  line_.clear();
  AppendAccessLogJson(record, options_.include_query, &line_);
  sink_->Write(line_);
  ++logged_;
  return true;
}

}  // namespace weft::observability
