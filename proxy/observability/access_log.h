#ifndef WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_H_
#define WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_H_

// The proxy's access log: one JSON object per line per request (or TCP
// connection), sampled, written to an AccessLogSink. The record is filled by the
// stream at its end; times come from the caller's TimeSource (this code never
// reads the clock). Field names, units and meaning: docs/metrics.md.
//
//   AccessLogOptions options;
//   options.sample_ratio = 0.1;              // errors are still always logged
//   auto logger = AccessLogger::Create(options, std::move(sink), worker_random);
//   AccessLogRecord r;
//   r.start_time = start; r.duration = time_source.Now() - start;
//   r.method = "GET"; r.path = target; r.response_code = 200; ...
//   (*logger)->Log(r);
//   // on the worker's flush timer (e.g. every second):
//   (*logger)->Flush();
//
// Threading: thread-compatible. Give each worker its own AccessLogger (with its
// own sink and RandomGenerator); file sinks on one path each open it O_APPEND.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/random/random.h"
#include "proxy/observability/access_log_sink.h"

namespace weft::observability {

// String fields are views into the caller's data, read only during Log().
// Empty strings are written as "" so every line has the same keys.
struct AccessLogRecord {
  absl::Time start_time;        // "start_time": RFC 3339 UTC, millisecond precision
  absl::Duration duration;      // "duration_ms": milliseconds, 3 decimals
  absl::string_view direction;  // "inbound" / "outbound"
  absl::string_view method;
  absl::string_view authority;       // :authority / Host
  absl::string_view path;            // request target; the query is cut unless include_query
  absl::string_view protocol;        // "HTTP/1.1", "HTTP/2", "TCP"
  int response_code = 0;             // 0: no response was sent (written as 0)
  int grpc_status = -1;              // -1: not a gRPC response (written as null)
  absl::string_view error_reason;    // "upstream_timeout"...; "" when none
  absl::string_view response_flags;  // short flags, if the stream keeps them
  uint64_t bytes_received = 0;       // request body bytes from downstream
  uint64_t bytes_sent = 0;           // response body bytes to downstream
  absl::string_view upstream_cluster;
  absl::string_view upstream_endpoint;  // "10.0.0.7:8080"
  absl::string_view downstream_peer;    // "10.0.0.3:51234"
  absl::string_view source_identity;    // SPIFFE ID of the caller, when mTLS
  absl::string_view destination_identity;
  absl::string_view route;
  absl::string_view trace_id;    // 32 hex digits (TraceIdHex)
  absl::string_view request_id;  // x-request-id
};

struct AccessLogOptions {
  // Fraction of non-error records logged, in [0, 1].
  double sample_ratio = 1.0;
  // Log every error record whatever the ratio (see IsErrorRecord).
  bool always_log_errors = true;
  // Keep "?query" in "path". Off by default: queries often carry tokens.
  bool include_query = false;
};

// No response, a 5xx, a non-OK gRPC status, or an error reason.
bool IsErrorRecord(const AccessLogRecord& record);

// One JSON object and a trailing '\n'.
std::string FormatAccessLogJson(const AccessLogRecord& record, bool include_query);
// The same line appended to `out` (for a buffer reused from line to line).
void AppendAccessLogJson(const AccessLogRecord& record, bool include_query, std::string* out);

// Pieces of the line, exposed for tests. "2023-11-14T22:13:20.123Z" (UTC,
// milliseconds truncated toward the past; absl::FormatTime's text).
void AppendRfc3339Millis(absl::Time t, std::string* out);
// Milliseconds with 3 decimals ("12.345"), like printf("%.3f").
void AppendMillisWith3Decimals(absl::Duration d, std::string* out);
// Gregorian date of `days` since 1970-01-01; false when out of range.
bool CivilFromUnixDays(int64_t days, int64_t* year, int* month, int* day);

class AccessLogger {
 public:
  // kInvalidArgument when the ratio is outside [0, 1] or sink is null.
  // `random` must outlive the logger.
  static absl::StatusOr<std::unique_ptr<AccessLogger>> Create(const AccessLogOptions& options,
                                                              std::unique_ptr<AccessLogSink> sink,
                                                              RandomGenerator& random);

  // True when the record was written to the sink (not sampled out).
  bool Log(const AccessLogRecord& record);
  absl::Status Flush() { return sink_->Flush(); }

  uint64_t logged() const { return logged_; }
  uint64_t sampled_out() const { return sampled_out_; }
  AccessLogSink& sink() { return *sink_; }

 private:
  AccessLogger(const AccessLogOptions& options, std::unique_ptr<AccessLogSink> sink,
               RandomGenerator& random)
      : options_(options), sink_(std::move(sink)), random_(random) {}

  const AccessLogOptions options_;
  std::unique_ptr<AccessLogSink> sink_;
  RandomGenerator& random_;
  uint64_t logged_ = 0;
  uint64_t sampled_out_ = 0;
  std::string line_;  // reused for every line
};

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_H_
