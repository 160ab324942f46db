#ifndef WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RESILIENCE_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RESILIENCE_H_

// The per-route parts of a TrafficPolicy beyond timeouts and retries:
//
//   TrafficPolicy field            Route field
//   loadBalancer.hashKey.header    route.hash_policy[0].header.header_name
//   loadBalancer.hashKey.cookie    route.hash_policy[0].cookie.name
//   loadBalancer.hashKey.sourceIP  route.hash_policy[0].connection_properties.source_ip
//   rateLimit                      typed_per_filter_config["envoy.filters.http.local_ratelimit"]
//                                  = LocalRateLimit{token_bucket{requestsPerUnit,
//                                  requestsPerUnit, unit}, filter_enabled/enforced 100%}
//   rateLimit.perSource            metadata.filter_metadata["weft"].rate_limit_per_source
//   faultInjection                 typed_per_filter_config["envoy.filters.http.fault"]
//                                  = HTTPFault{delay.fixed_delay + percentage,
//                                  abort.http_status|grpc_status + percentage}
//
// Proxyless gRPC 1.51 clients get the header hash key only (ring hash); the rest
// is left out with a warning (its fault filter would need the listener's
// http_filters too). Pure functions, thread-safe.

#include <string>
#include <vector>

#include "control-plane/core/traffic_policy.h"
#include "control-plane/translate/client_kind.h"
#include "envoy/config/route/v3/route_components.pb.h"

namespace weft::control_plane {

// Adds the policy's hash key, rate limit and fault injection to a forwarding
// route; `warnings` (may be null) collects what proxyless clients lose.
void ApplyRouteResilience(const TrafficPolicy& policy, ClientKind kind,
                          const std::string& route_name, envoy::config::route::v3::Route& route,
                          std::vector<std::string>* warnings);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RESILIENCE_H_
