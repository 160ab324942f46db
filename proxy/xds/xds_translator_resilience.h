#ifndef WEFT_PROXY_XDS_XDS_TRANSLATOR_RESILIENCE_H_
#define WEFT_PROXY_XDS_XDS_TRANSLATOR_RESILIENCE_H_

// The resilience half of the xDS edge (issue 6): a Cluster's load balancing,
// circuit breakers, outlier detection, health check and upstream HTTP protocol,
// and a route's retry policy, hash policy and per-route local rate limit and
// fault injection, read into the internal model. Part of TranslateXds; kept
// apart so that each file stays about one thing.
//
// Weft-specific signals (no Envoy field exists), in the Cluster's or Route's
// metadata.filter_metadata["weft"]:
//   Cluster: lb_policy = "peak_ewma"          (overrides lb_policy)
//            ewma_decay = "10s"               (peak EWMA decay)
//            locality_min_healthy_percent = N (zone-aware threshold, default 70)
//   Route:   rate_limit_per_source = true     (a bucket per caller)
//
// Every unsupported setting is reported through `problem` so that the whole
// resource is NACKed with a message naming the field. Pure functions.

#include <functional>
#include <string>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/route/v3/route_components.pb.h"
#include "proxy/config/model.h"

namespace weft::xds {

// Called with (where, message) for every problem.
using ProblemSink = std::function<void(const std::string&, const std::string&)>;

inline constexpr char kHttpProtocolOptionsKey[] =
    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

// Fills the resilience fields of `out`; returns false after reporting problems.
bool ReadClusterResilience(const envoy::config::cluster::v3::Cluster& c, const std::string& where,
                           const ProblemSink& problem, config::Cluster& out);

// Fills retry, hash_policy, rate_limit and fault of `out` from the route (and
// the virtual host's retry policy when the route has none).
bool ReadRouteResilience(const envoy::config::route::v3::Route& route,
                         const envoy::config::route::v3::VirtualHost& vhost,
                         const std::string& where, const ProblemSink& problem,
                         config::Route& out);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_XDS_TRANSLATOR_RESILIENCE_H_
