#ifndef WEFT_PROXY_SERVER_TELEMETRY_H_
#define WEFT_PROXY_SERVER_TELEMETRY_H_

#include <optional>

#include "proxy/observability/request_metrics.h"
#include "proxy/stats/metric_registry.h"

namespace weft::server {

// The process-wide labeled metrics: the registry every worker writes its
// series into, and the standard request families. Owned by the Server,
// outlives the workers. Thread-safe (see MetricRegistry).
struct Telemetry {
  Telemetry() {
    absl::StatusOr<observability::RequestMetrics> families =
        observability::RequestMetrics::Register(registry, {});
    if (families.ok()) request_families.emplace(*families);
  }
  stats::MetricRegistry registry;
  std::optional<observability::RequestMetrics> request_families;
};

}  // namespace weft::server

#endif  // WEFT_PROXY_SERVER_TELEMETRY_H_
