#include "proxy/observability/access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proxy/observability/json_escape.h"

namespace weft::observability {
namespace {

// 2^53: sampling compares a uniform integer below this with ratio * 2^53.
constexpr uint64_t kSampleScale = uint64_t{1} << 53;

void Key(std::string* out, absl::string_view key) {
  if (out->size() > 1) out->push_back(',');
  out->push_back('"');
  out->append(key.data(), key.size());
  out->append("\":");
}

void StringField(std::string* out, absl::string_view key, absl::string_view value) {
  Key(out, key);
  AppendJsonString(out, value);
}

}  // namespace

bool IsErrorRecord(const AccessLogRecord& r) {
  return r.response_code == 0 || r.response_code >= 500 || (r.grpc_status > 0) ||
         !r.error_reason.empty();
}

std::string FormatAccessLogJson(const AccessLogRecord& r, bool include_query) {
  std::string out = "{";
  Key(&out, "start_time");
  AppendJsonString(&out,
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.start_time, absl::UTCTimeZone()));
  Key(&out, "duration_ms");
  absl::StrAppendFormat(&out, "%.3f", absl::ToDoubleMilliseconds(r.duration));
  StringField(&out, "direction", r.direction);
  StringField(&out, "method", r.method);
  StringField(&out, "authority", r.authority);
  absl::string_view path = r.path;
  if (!include_query) path = path.substr(0, path.find('?'));
  StringField(&out, "path", path);
  StringField(&out, "protocol", r.protocol);
  Key(&out, "response_code");
  absl::StrAppend(&out, r.response_code);
  Key(&out, "grpc_status");
  if (r.grpc_status >= 0) {
    absl::StrAppend(&out, r.grpc_status);
  } else {
    out.append("null");
  }
  StringField(&out, "error_reason", r.error_reason);
  StringField(&out, "response_flags", r.response_flags);
  Key(&out, "bytes_received");
  absl::StrAppend(&out, r.bytes_received);
  Key(&out, "bytes_sent");
  absl::StrAppend(&out, r.bytes_sent);
  StringField(&out, "upstream_cluster", r.upstream_cluster);
  StringField(&out, "upstream_endpoint", r.upstream_endpoint);
  StringField(&out, "downstream_peer", r.downstream_peer);
  StringField(&out, "source_identity", r.source_identity);
  StringField(&out, "destination_identity", r.destination_identity);
  StringField(&out, "route", r.route);
  StringField(&out, "trace_id", r.trace_id);
  StringField(&out, "request_id", r.request_id);
  out.append("}\n");
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
  sink_->Write(FormatAccessLogJson(record, options_.include_query));
  ++logged_;
  return true;
}

}  // namespace weft::observability
