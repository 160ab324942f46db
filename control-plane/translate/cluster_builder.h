#ifndef WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_

// Clusters: one EDS cluster per service port, shaped by the TrafficPolicy that
// targets the service (the policy of the *destination*: how clients talk to it),
// and the ORIGINAL_DST passthrough clusters of sidecars.
//
//   TrafficPolicy field       Cluster field
//   timeouts.connect          connect_timeout (default 1s)
//   loadBalancer.type         lb_policy: RoundRobin ROUND_ROBIN, LeastRequest
//                             LEAST_REQUEST, Random RANDOM, RingHash RING_HASH,
//                             Maglev MAGLEV, PeakEwma LEAST_REQUEST plus metadata
//                             filter_metadata["weft"].lb_policy="peak_ewma"
//                             (proxyless: always ROUND_ROBIN)
//   loadBalancer.minimumRingSize  ring_hash_lb_config.minimum_ring_size
//   (hashKey goes to the routes' hash_policy: route_config_builder.h)
//   retries.budget            circuit_breakers.thresholds[0].retry_budget (sidecars)
//   outlierDetection.consecutiveGatewayErrors  consecutive_gateway_failure,
//                             enforcing_consecutive_gateway_failure 100
//   (service port http/http2/grpc, sidecar clients)
//                             typed_extension_protocol_options[HttpProtocolOptions]
//                             explicit_http_config.http2_protocol_options: HTTP
//                             between sidecars is multiplexed over HTTP/2; TCP ports
//                             get no protocol options
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

// The EDS cluster of `port` of `service`; `policy` may be null. A sidecar
// client talks HTTP/2 to an HTTP port when `endpoints_have_sidecars` (the
// sidecar at the other end turns requests back into the app's protocol).
envoy::config::cluster::v3::Cluster BuildServiceCluster(const ObjectKey& service,
                                                        const ServicePort& port,
                                                        const TrafficPolicy* policy,
                                                        ClientKind kind,
                                                        bool endpoints_have_sidecars = true);

// An ORIGINAL_DST cluster (lb_policy CLUSTER_PROVIDED) named `name`.
envoy::config::cluster::v3::Cluster BuildPassthroughCluster(absl::string_view name);

// The inbound ORIGINAL_DST cluster towards the local application: HTTP keeps the
// downstream protocol (use_downstream_protocol_config), so a request that another
// sidecar carried over HTTP/2 reaches an HTTP/1.1 app as HTTP/1.1.
envoy::config::cluster::v3::Cluster BuildInboundPassthroughCluster(absl::string_view name);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_CLUSTER_BUILDER_H_
