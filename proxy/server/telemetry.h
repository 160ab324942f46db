#ifndef WEFT_PROXY_SERVER_TELEMETRY_H_
#define WEFT_PROXY_SERVER_TELEMETRY_H_

#include <optional>

#include "proxy/observability/request_metrics.h"
#include "proxy/resilience/rate_limiter.h"
#include "proxy/stats/metric_registry.h"

namespace weft::server {

// What the workers of the process share: the labeled-metrics registry every
// worker writes its series into, the standard request families, and the local
// rate limiter. Owned by the Server, outlives the workers. Thread-safe.
struct Telemetry {
  explicit Telemetry(const TimeSource& time) : rate_limiter(time) {
    absl::StatusOr<observability::RequestMetrics> families =
        observability::RequestMetrics::Register(registry, {});
    if (families.ok()) request_families.emplace(*families);
  }
  stats::MetricRegistry registry;
  std::optional<observability::RequestMetrics> request_families;
  // Local rate limits are process-wide (not per worker), so it lives here too.
  resilience::RateLimiter rate_limiter;
};

}  // namespace weft::server

#endif  // WEFT_PROXY_SERVER_TELEMETRY_H_
