#ifndef WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_

// Clusters: one EDS cluster per service port, shaped by the TrafficPolicy that
// targets the service (the policy of the *destination*: how clients talk to it),
// and the ORIGINAL_DST passthrough clusters of sidecars.
//
//   TrafficPolicy field       Cluster field
//   timeouts.connect          connect_timeout (default 1s)
//   loadBalancer.type         lb_policy (proxyless: always ROUND_ROBIN, the only one
//                             of ours gRPC 1.51 has)
//   circuitBreaker.*          circuit_breakers.thresholds[0] (priority DEFAULT)
//   outlierDetection.*        outlier_detection, consecutive-5xx only:
//                             enforcing_success_rate is 0 so that Envoy's (and
//                             gRPC's) default success-rate ejection stays off, as
//                             the policy does not ask for it. gRPC 1.51 ignores
//                             consecutive_5xx, so proxyless clients eject nothing.
//
// Pure functions, thread-safe.

#include <string>

#include "absl/strings/string_view.h"
#include "control-plane/core/model.h"
#include "control-plane/translate/client_kind.h"
#include "envoy/config/cluster/v3/cluster.pb.h"

namespace weft::control_plane {

// The EDS cluster of `port` of `service`; `policy` may be null.
envoy::config::cluster::v3::Cluster BuildServiceCluster(const ObjectKey& service,
                                                        const ServicePort& port,
                                                        const TrafficPolicy* policy,
                                                        ClientKind kind);

// An ORIGINAL_DST cluster (lb_policy CLUSTER_PROVIDED) named `name`.
envoy::config::cluster::v3::Cluster BuildPassthroughCluster(absl::string_view name);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_
