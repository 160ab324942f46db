#ifndef WEFT_CONTROL_PLANE_TRANSLATE_RBAC_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_RBAC_BUILDER_H_

// AuthorizationPolicies (control-plane/core/security_policy.h) as Envoy RBAC HTTP
// filters for a workload's inbound HttpConnectionManagers, the way Istio builds
// them: a DENY filter with the DENY policies, then an ALLOW filter with the
// ALLOW policies (only if there are any: without one, everything not denied is
// allowed). Each rule is one Envoy policy named "<ns>/<name>[<rule index>]":
//
// - from[] -> principals (OR); a source ANDs its fields: principals as
//   authenticated.principal_name exact ("*": prefix "spiffe://", any mTLS
//   caller), namespaces as principal_name contains "/ns/<ns>/sa/" (a SPIFFE ID
//   has exactly that shape, and a trust domain holds no '/'), not* as not_id.
// - to[] -> permissions (OR); an operation ANDs destination_port, ":method"
//   header and url_path matchers; every when[] header condition is ANDed in.
// - Values "x" exact, "x*" prefix, "*x" suffix, "*" anything.
// - No from: any principal; no to and no when: any permission.
//
//   for (const auto& filter : BuildInboundRbacFilters(model, workload)) ...
//
// Pure functions, thread-safe.

#include <vector>

#include "control-plane/core/model.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"

namespace weft::control_plane {

inline constexpr absl::string_view kRbacFilter = "envoy.filters.http.rbac";

// The filters to put before the router, in order; none when no policy applies.
std::vector<envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter>
BuildInboundRbacFilters(const Model& model, const Workload& workload);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_RBAC_BUILDER_H_
