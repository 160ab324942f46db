#ifndef WEFT_CONTROL_PLANE_TRANSLATE_LISTENER_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_LISTENER_BUILDER_H_

// Listeners (docs/design/xds-resources.md):
//
// - "outbound" (sidecar, 0.0.0.0:15001): use_original_dst, http_inspector, one
//   filter chain per port of every service with a VIP, matching <VIP>/32 (or /128)
//   and the port, named like the port's cluster, holding an HttpConnectionManager
//   (RDS over ADS, router filter) for http/http2/grpc ports or a TcpProxy to the
//   cluster for tcp ports; default_filter_chain: TcpProxy to PassthroughCluster.
//   Headless services have no VIP to match and get no chain.
// - "inbound" (sidecar, 0.0.0.0:15006): use_original_dst, http_inspector, one
//   chain per HTTP port of the local workload (destination_port match) holding
//   an HttpConnectionManager with route config "inbound-http" (everything to
//   InboundPassthroughCluster): that is where a request another sidecar carried
//   over HTTP/2 is turned back into the app's protocol, and where the
//   workload's authorization filters (rbac_builder.h) run before the router;
//   default_filter_chain TcpProxy to InboundPassthroughCluster.
// - A proxyless gRPC client's listener: only api_listener, an HCM with RDS over
//   ADS and the router as its only (so last) HTTP filter.
//
// Pure functions, thread-safe.

#include <string>
#include <vector>

#include "control-plane/core/model.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"

namespace weft::control_plane {

envoy::config::listener::v3::Listener BuildOutboundListener(const Model& model);
// `http_ports`: the local workload's ports that serve HTTP (or HTTP/2, gRPC).
// `http_filters`: put before the router of every chain (authorization).
envoy::config::listener::v3::Listener BuildInboundListener(
    const std::vector<uint32_t>& http_ports = {},
    const std::vector<envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter>&
        http_filters = {});
// The route configuration those chains use.
envoy::config::route::v3::RouteConfiguration BuildInboundRouteConfiguration();
envoy::config::listener::v3::Listener BuildApiListener(const std::string& listener_name,
                                                       const std::string& route_config_name);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_LISTENER_BUILDER_H_
