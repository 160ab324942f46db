#ifndef WEFT_CONTROL_PLANE_TRANSLATE_NAMES_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_NAMES_H_

// The names the xDS translation gives to resources (docs/design/xds-resources.md):
// operators read them in config dumps, and the sidecar and proxyless gRPC clients
// follow references by them, so they are part of the contract.
//
//   ClusterName({"shop", "backend"}, 8080) == "outbound|8080||backend.shop.svc.cluster.local"
//
// Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "api/type_urls.h"
#include "control-plane/core/model.h"

namespace weft::control_plane {

// Type URLs of the resources the translation produces (api/type_urls.h).
inline constexpr absl::string_view kListenerTypeUrl = xds::kListenerType;
inline constexpr absl::string_view kRouteConfigurationTypeUrl = xds::kRouteConfigurationType;
inline constexpr absl::string_view kClusterTypeUrl = xds::kClusterType;
inline constexpr absl::string_view kClusterLoadAssignmentTypeUrl = xds::kClusterLoadAssignmentType;

// Sidecar listeners and the clusters for traffic that is not to a mesh service.
inline constexpr absl::string_view kOutboundListenerName = "outbound";
inline constexpr absl::string_view kInboundListenerName = "inbound";
inline constexpr uint32_t kOutboundCapturePort = 15001;
inline constexpr uint32_t kInboundCapturePort = 15006;
inline constexpr absl::string_view kPassthroughCluster = "PassthroughCluster";
inline constexpr absl::string_view kInboundPassthroughCluster = "InboundPassthroughCluster";
// The route configuration of the inbound listener's HTTP chains: everything to
// the local app (InboundPassthroughCluster), no timeout (the caller's sidecar
// enforces the route's).
inline constexpr absl::string_view kInboundRouteConfigName = "inbound-http";

// Filter names (Envoy's canonical extension names).
inline constexpr absl::string_view kHttpConnectionManagerFilter =
    "envoy.filters.network.http_connection_manager";
inline constexpr absl::string_view kTcpProxyFilter = "envoy.filters.network.tcp_proxy";
inline constexpr absl::string_view kRouterFilter = "envoy.filters.http.router";
inline constexpr absl::string_view kHttpInspectorFilter = "envoy.filters.listener.http_inspector";
// The listener filter has no settings; Envoy still wants its typed_config to name
// the type, so the translation sends an Any of this type with an empty value.
inline constexpr absl::string_view kHttpInspectorTypeUrl =
    "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector";

// "<name>.<ns>.svc.cluster.local".
std::string ServiceFqdn(const ObjectKey& service);

// "outbound|<port>||<fqdn>": the name of a service port's Cluster, its
// ClusterLoadAssignment and its RouteConfiguration.
std::string ClusterName(const ObjectKey& service, uint32_t port);

// The virtual host domains of a service port: <svc>, <svc>.<ns>, <svc>.<ns>.svc,
// the FQDN and the VIP (unless headless), each also with ":<port>".
std::vector<std::string> ServiceDomains(const ObjectKey& service, const std::string& vip,
                                        uint32_t port);

// True for the protocols the sidecar routes as HTTP (http, http2, grpc).
bool IsHttpProtocol(AppProtocol protocol);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_NAMES_H_
