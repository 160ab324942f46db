#ifndef WEFT_TOOLS_MESHCTL_GOLDEN_STATS_H_
#define WEFT_TOOLS_MESHCTL_GOLDEN_STATS_H_

// The golden signals of `meshctl stat` and `meshctl top`, computed the way
// Prometheus would from two scrapes of the proxies' /metrics taken `window`
// apart: rate(weft_requests_total) for requests/s, the share of responses that
// are not 5xx for the success rate, and histogram_quantile() over the increase
// of weft_request_duration_seconds_bucket for p50/p95/p99 (linear interpolation
// inside the bucket; the highest finite bound when the quantile falls in +Inf).
//
//   std::vector<PromSample> before = *ParsePrometheusText(scrape1);
//   std::vector<PromSample> after = *ParsePrometheusText(scrape2);
//   auto rows = ComputeGoldenStats(before, after, absl::Seconds(5), query);
//
// Pure functions; thread-safe.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace weft::meshctl {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Text format 0.0.4 samples (comments skipped). kInvalidArgument names the line.
absl::StatusOr<std::vector<PromSample>> ParsePrometheusText(const std::string& text);

struct GoldenQuery {
  std::string group_by = "destination_service";  // or "route"
  // Only series whose `direction` label equals this ("" = any).
  std::string direction = "outbound";
  // Keep a series when its destination_service names this service ("reviews",
  // "reviews.default", or the whole label value) or its source_workload equals
  // it. Empty keeps everything.
  std::string target;
};

struct GoldenRow {
  std::string key;  // the group_by label's value
  double requests = 0;  // increase over the window
  double rps = 0;
  double success_rate = 1;  // 0..1; 1 with no requests
  double p50 = 0, p95 = 0, p99 = 0;  // seconds
};

// One row per key with traffic in the window, busiest first (ties by key).
std::vector<GoldenRow> ComputeGoldenStats(const std::vector<PromSample>& before,
                                          const std::vector<PromSample>& after,
                                          absl::Duration window, const GoldenQuery& query);

// Prometheus' histogram_quantile over cumulative (upper bound, count) buckets,
// the last bound +Inf. NaN when there are no observations.
double HistogramQuantile(double q, const std::vector<std::pair<double, double>>& cumulative);

// Whether a destination_service label value names `target`.
bool ServiceMatches(const std::string& destination_service, const std::string& target);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_GOLDEN_STATS_H_
