#include "proxy/config/model.h"

#include <tuple>

namespace weft::config {
namespace {

auto Fields(const LoadBalancing& x) {
  return std::tie(x.policy, x.ring_hash_min_size, x.maglev_table_size, x.ewma_decay,
                  x.panic_threshold_percent, x.locality_min_healthy_percent);
}
auto Fields(const CircuitBreakers& x) {
  return std::tie(x.max_connections, x.max_pending_requests, x.max_requests, x.max_retries,
                  x.retry_budget_percent, x.retry_budget_min_concurrency);
}
auto Fields(const OutlierDetection& x) {
  return std::tie(x.enabled, x.consecutive_5xx, x.consecutive_gateway_errors, x.interval,
                  x.base_ejection_time, x.max_ejection_time, x.max_ejection_percent,
                  x.success_rate, x.success_rate_minimum_hosts, x.success_rate_request_volume,
                  x.success_rate_stdev_factor);
}
auto Fields(const HealthCheck& x) {
  return std::tie(x.enabled, x.http_path, x.interval, x.timeout, x.healthy_threshold,
                  x.unhealthy_threshold);
}

}  // namespace

const Cluster* ProxyConfig::FindCluster(const std::string& name) const {
  for (const Cluster& c : clusters) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const RouteConfig* ProxyConfig::FindRouteConfig(const std::string& name) const {
  for (const RouteConfig& r : route_configs) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool SameExceptEndpoints(const Cluster& a, const Cluster& b) {
  return a.name == b.name && a.type == b.type && a.connect_timeout == b.connect_timeout &&
         a.max_idle_connections == b.max_idle_connections && a.idle_timeout == b.idle_timeout &&
         a.http_protocol == b.http_protocol &&
         Fields(a.load_balancing) == Fields(b.load_balancing) &&
         Fields(a.circuit_breakers) == Fields(b.circuit_breakers) &&
         Fields(a.outlier_detection) == Fields(b.outlier_detection) &&
         Fields(a.health_check) == Fields(b.health_check) && a.tls == b.tls;
}

}  // namespace weft::config
