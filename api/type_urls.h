#ifndef WEFT_API_TYPE_URLS_H_
#define WEFT_API_TYPE_URLS_H_

// The xDS type URLs Weft sends and receives, in one place for the control plane
// and the proxy.

#include "absl/strings/string_view.h"

namespace weft::xds {

inline constexpr absl::string_view kListenerType =
    "type.googleapis.com/envoy.config.listener.v3.Listener";
inline constexpr absl::string_view kRouteConfigurationType =
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
inline constexpr absl::string_view kClusterType =
    "type.googleapis.com/envoy.config.cluster.v3.Cluster";
inline constexpr absl::string_view kClusterLoadAssignmentType =
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
inline constexpr absl::string_view kSecretType =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

}  // namespace weft::xds

#endif  // WEFT_API_TYPE_URLS_H_
