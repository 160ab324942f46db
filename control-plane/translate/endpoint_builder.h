#ifndef WEFT_CONTROL_PLANE_TRANSLATE_ENDPOINT_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_ENDPOINT_BUILDER_H_

// ClusterLoadAssignments: the endpoints of one service port, one
// LocalityLbEndpoints per (region, zone) in sorted order, all at priority 0.
//
// Only ready workloads are endpoints in the model, so every endpoint is sent
// HEALTHY with weight 1. A locality's load_balancing_weight is its number of
// endpoints: gRPC ignores localities without a weight, and weighting by size keeps
// the per-endpoint share even when a client balances across localities first.
// An empty list gives an assignment with no localities (clients answer 503 /
// UNAVAILABLE rather than waiting for one).
//
// Pure function, thread-safe.

#include <string>

#include "control-plane/core/service.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"

namespace weft::control_plane {

envoy::config::endpoint::v3::ClusterLoadAssignment BuildLoadAssignment(
    const std::string& cluster_name, const PortEndpoints& endpoints);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_ENDPOINT_BUILDER_H_
