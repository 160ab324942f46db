#ifndef WEFT_PROXY_ADMIN_INSPECTION_H_
#define WEFT_PROXY_ADMIN_INSPECTION_H_

// The admin views an operator (or `meshctl`) uses to see what a proxy does:
// /clusters, /listeners and /certs, as plain text (one fact per line, greppable,
// Envoy's "cluster::endpoint::field::value" style) or JSON (?format=json).
//
// Live numbers come from the stats store (per cluster: active requests, connect
// failures); the endpoint columns for health and ejection report "healthy" and
// not ejected until active health checking and outlier detection feed them, but
// the JSON shape already carries them so that clients need not change then.
//
//   std::string body = ClustersJson(*config, store.Snapshot());
//
// Pure functions over their arguments; thread-safe.

#include <map>
#include <string>

#include "proxy/config/model.h"
#include "proxy/stats/stats.h"

namespace weft::admin {

using StatsSnapshot = std::map<std::string, stats::Store::Value>;

// {"clusters": [{"name", "type", "lb_policy", "active_requests", "requests_total",
//   "connections_total", "connect_failures", "endpoints": [{"address", "weight",
//   "health", "ejected", "ejections_total"}]}]}
std::string ClustersJson(const config::ProxyConfig& config, const StatsSnapshot& stats);
std::string ClustersText(const config::ProxyConfig& config, const StatsSnapshot& stats);

// {"listeners": [{"name", "address", "protocol", "original_dst", "route_config",
//   "default_cluster", "filter_chains": [{"name", "destination_prefixes",
//   "destination_port", "protocol", "route_config", "cluster"}]}]}
std::string ListenersJson(const config::ProxyConfig& config);
std::string ListenersText(const config::ProxyConfig& config);

// The workload certificates in use. None until mTLS lands: an empty list with a
// note, in the shape that will then carry them.
std::string CertsJson();
std::string CertsText();

// "ip:port", with brackets around IPv6 literals.
std::string HostPort(const std::string& address, uint16_t port);

// True when the query string asks for JSON (format=json).
bool WantsJson(const std::string& query);

}  // namespace weft::admin

#endif  // WEFT_PROXY_ADMIN_INSPECTION_H_
