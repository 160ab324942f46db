#ifndef WEFT_PROXY_ADMIN_INSPECTION_H_
#define WEFT_PROXY_ADMIN_INSPECTION_H_

// The admin views an operator (or `meshctl`) uses to see what a proxy does:
// /clusters, /listeners and /certs, as plain text (one fact per line, greppable,
// Envoy's "cluster::endpoint::field::value" style) or JSON (?format=json).
//
// Live numbers come from the stats store (per cluster: active requests, connect
// failures) and from the workers' endpoint sets (per endpoint: health from
// active checks, outlier ejection, active requests).
//
//   std::string body = ClustersJson(*config, store.Snapshot());
//
// Pure functions over their arguments; thread-safe.

#include <map>
#include <string>

#include "absl/time/time.h"

#include "proxy/config/model.h"
#include "proxy/stats/stats.h"

namespace weft::admin {

using StatsSnapshot = std::map<std::string, stats::Store::Value>;

// What the workers see of each endpoint right now, merged over workers: keyed
// by cluster name, then by "ip:port".
struct EndpointState {
  bool healthy = true;        // false when active health checks failed it (on any worker)
  bool ejected = false;       // ejected by outlier detection (on any worker)
  uint64_t active_requests = 0;  // summed over workers
  uint64_t ejections_total = 0;  // summed over workers
};
using EndpointStates = std::map<std::string, std::map<std::string, EndpointState>>;

// {"clusters": [{"name", "type", "lb_policy", "active_requests", "requests_total",
//   "connections_total", "connect_failures", "endpoints": [{"address", "weight",
//   "health", "ejected", "ejections_total"}]}]}
// `states` (may be null) gives the live endpoint columns.
std::string ClustersJson(const config::ProxyConfig& config, const StatsSnapshot& stats,
                         const EndpointStates* states = nullptr);
std::string ClustersText(const config::ProxyConfig& config, const StatsSnapshot& stats,
                         const EndpointStates* states = nullptr);

// {"listeners": [{"name", "address", "protocol", "original_dst", "route_config",
//   "default_cluster", "filter_chains": [{"name", "destination_prefixes",
//   "destination_port", "protocol", "route_config", "cluster"}]}]}
std::string ListenersJson(const config::ProxyConfig& config);
std::string ListenersText(const config::ProxyConfig& config);

// The workload certificate in use for mTLS (tls::MeshTls::Status, as plain data).
struct CertsView {
  bool identity_enabled = false;  // the proxy was started with --ca_address
  bool ready = false;             // a certificate is in use
  std::string identity;
  absl::Time not_after = absl::InfinitePast();
  absl::Time now;
  std::vector<std::string> root_fingerprints;
  bool bundle_from_sds = false;
  uint64_t swaps = 0;
  std::string last_error;
};
// {"identity_enabled", "ready", "identity", "not_after", "seconds_to_expiry",
//  "trust_bundle": {"source", "roots": [...]}, "contexts_built", "last_error"}
std::string CertsJson(const CertsView& view);
std::string CertsText(const CertsView& view);

// "ip:port", with brackets around IPv6 literals.
std::string HostPort(const std::string& address, uint16_t port);

// True when the query string asks for JSON (format=json).
bool WantsJson(const std::string& query);

}  // namespace weft::admin

#endif  // WEFT_PROXY_ADMIN_INSPECTION_H_
