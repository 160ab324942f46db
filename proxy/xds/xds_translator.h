#ifndef WEFT_PROXY_XDS_XDS_TRANSLATOR_H_
#define WEFT_PROXY_XDS_XDS_TRANSLATOR_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "proxy/config/model.h"

namespace weft::xds {

// What the proxy currently holds from the control plane, by resource name.
struct XdsResources {
  std::map<std::string, envoy::config::listener::v3::Listener> listeners;
  std::map<std::string, envoy::config::route::v3::RouteConfiguration> routes;
  std::map<std::string, envoy::config::cluster::v3::Cluster> clusters;
  std::map<std::string, envoy::config::endpoint::v3::ClusterLoadAssignment> endpoints;
  std::map<std::string, envoy::extensions::transport_sockets::tls::v3::Secret> secrets;
};

// Translates xDS resources into the proxy's internal config, on top of the static
// parts of the bootstrap (admin, static listeners and clusters). The edge where
// xDS ends: nothing past it sees protobuf. Every problem is reported at once, each
// naming the resource and field ("Listener outbound: filter_chains[2].filters[0]:
// ..."), so that a NACK tells the operator exactly what to fix.
//
// Resources that are referenced but not received yet are not errors: an EDS
// cluster without its assignment has no endpoints (503 no_healthy_upstream), and a
// route configuration not yet received routes nothing (404 no_route), until they
// arrive. Pure function; thread-safe.
absl::StatusOr<config::ProxyConfig> TranslateXds(const XdsResources& resources,
                                                 const config::ProxyConfig& bootstrap);

// The names of the route configurations (RDS) and cluster load assignments (EDS)
// that the given listeners and clusters refer to: what the client subscribes to.
std::vector<std::string> ReferencedRouteConfigs(const XdsResources& resources);
std::vector<std::string> ReferencedAssignments(const XdsResources& resources);
// The Secrets (SDS) they refer to: the trust bundle "ROOTCA" when any listener or
// cluster uses mTLS. "default" (the proxy's own certificate) is never asked for:
// the proxy makes it itself.
std::vector<std::string> ReferencedSecrets(const XdsResources& resources);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_XDS_TRANSLATOR_H_
