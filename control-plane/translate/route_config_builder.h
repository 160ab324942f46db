#ifndef WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_CONFIG_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_CONFIG_BUILDER_H_

// The RouteConfiguration of one service port (named like its cluster): one
// virtual host with the service's domains (names.h), the routes of the HTTPRoutes
// and GRPCRoutes attached to the port in precedence order (route_rules.h), then a
// catch-all route ("default", prefix "/") to the port's own cluster unless a rule
// already matches every request.
//
// Per rule:
//   backendRefs           cluster (one backend with weight > 0) or
//                         weighted_clusters (several; zero weights dropped,
//                         duplicates merged, total_weight = the sum, as gRPC 1.51
//                         requires); none usable and no redirect: direct_response
//                         500 (the Gateway API's answer)
//   RequestHeaderModifier request_headers_to_add (set: OVERWRITE_IF_EXISTS_OR_ADD,
//                         add: APPEND_IF_EXISTS_OR_ADD) / request_headers_to_remove
//   ResponseHeaderModifier the same on the response
//   RequestRedirect       redirect (scheme, host, port, path or prefix, code)
//   URLRewrite            host_rewrite_literal; ReplacePrefixMatch: prefix_rewrite;
//                         ReplaceFullPath: prefix_rewrite on exact-path matches,
//                         else regex_rewrite {^/.*$ -> the path}
//   PathPrefix matches    path_separated_prefix (whole segments; "/" stays prefix)
//   timeouts.request      timeout (else the service's TrafficPolicy
//                         timeouts.request; unset: the client's default)
//   timeouts.backendRequest retry_policy.per_try_timeout (else the policy's)
// The TrafficPolicy of the called service (the port's) gives every route its
// retry_policy: retry_on (joined; default "connect-failure,refused-stream,
// unavailable"), num_retries, per_try_timeout, retry_back_off.
//
// For proxyless gRPC clients (1.51: no path_separated_prefix, no header changes or
// rewrites, redirects and direct responses fail the RPC) a PathPrefix becomes a
// prefix ending in "/" or an equivalent regex, header changes and rewrites are
// left out with a warning, and redirects / direct responses are kept with one.
// The request timeout is also sent as
// max_stream_duration (gRPC ignores `timeout`), and a retry policy is sent only
// when it retries at least once (gRPC NACKs num_retries 0).
//
// Pure functions, thread-safe.

#include <set>
#include <string>
#include <vector>

#include "control-plane/core/model.h"
#include "control-plane/translate/client_kind.h"
#include "envoy/config/route/v3/route.pb.h"

namespace weft::control_plane {

// Appends what could not be translated to `warnings` (if not null).
envoy::config::route::v3::RouteConfiguration BuildRouteConfiguration(
    const Model& model, const Service& service, const ServicePort& port, ClientKind kind,
    std::vector<std::string>* warnings);

// Every cluster the routes of `config` send traffic to.
std::set<std::string> ReferencedClusters(
    const envoy::config::route::v3::RouteConfiguration& config);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_CONFIG_BUILDER_H_
