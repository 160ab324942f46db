#ifndef WEFT_PROXY_STATS_PROMETHEUS_TEXT_H_
#define WEFT_PROXY_STATS_PROMETHEUS_TEXT_H_

// The Prometheus text exposition format, version 0.0.4: name and label-name
// validation, escaping of HELP text and label values, number formatting, and a
// writer that lays out families (# HELP / # TYPE lines, then samples).
// Everything that renders metrics for /metrics goes through here, so escaping is
// done in one place.
//
//   PrometheusTextWriter w;
//   w.Family("weft_requests_total", "Requests.", MetricType::kCounter);
//   w.Sample("weft_requests_total", {"code"}, {"200"}, FormatUint(42));
//   admin_response.body = w.Release();
//   admin_response.content_type = std::string(kPrometheusContentType);
//
// Pure functions; the writer is thread-compatible.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace weft::stats {

inline constexpr absl::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge", "histogram".
absl::string_view MetricTypeName(MetricType type);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(absl::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved by Prometheus).
bool IsValidLabelName(absl::string_view name);

// HELP text: '\' -> "\\", newline -> "\n"; invalid UTF-8 -> U+FFFD.
void AppendEscapedHelp(std::string* out, absl::string_view help);
// Label value: '\' -> "\\", '"' -> "\"", newline -> "\n"; invalid UTF-8 -> U+FFFD.
void AppendEscapedLabelValue(std::string* out, absl::string_view value);

// Shortest text (%g style: 0.0005, 1e-05, 1e+20) that parses back to the same
// double; "+Inf", "-Inf", "NaN".
std::string FormatDouble(double value);
std::string FormatUint(uint64_t value);
std::string FormatInt(int64_t value);

// Builds one exposition. Callers emit each family once, with all its samples
// right after its Family() call (the format requires families to be contiguous).
class PrometheusTextWriter {
 public:
  void Family(absl::string_view name, absl::string_view help, MetricType type);

  // One sample line: name{n0="v0",...,extra_name="extra_value"} value
  // label_names and label_values have the same size. An empty extra_name adds
  // no label (it carries "le" for histogram buckets).
  void Sample(absl::string_view name, absl::Span<const std::string> label_names,
              absl::Span<const std::string> label_values, absl::string_view value,
              absl::string_view extra_name = {}, absl::string_view extra_value = {});

  const std::string& text() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_PROMETHEUS_TEXT_H_
