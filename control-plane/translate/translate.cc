#include "control-plane/translate/translate.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "control-plane/translate/client_kind.h"
#include "control-plane/translate/cluster_builder.h"
#include "control-plane/translate/endpoint_builder.h"
#include "control-plane/translate/listener_builder.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/proxyless_target.h"
#include "control-plane/translate/route_config_builder.h"

namespace weft::control_plane {
namespace {

// The endpoints of one port of `service` (an empty list when it has none).
PortEndpoints EndpointsFor(const Model& model, const ObjectKey& service, int32_t port) {
  for (const PortEndpoints& list : model.EndpointsOf(service)) {
    if (list.service_port == port) return list;
  }
  PortEndpoints none;
  none.service_port = static_cast<uint16_t>(port);
  return none;
}

void AddServicePortCluster(const Model& model, const Service& service, const ServicePort& port,
                           ClientKind kind, ResourceMap& resources) {
  const ObjectKey key = service.meta.key();
  const std::string name = ClusterName(key, static_cast<uint32_t>(port.port));
  AddResource(resources, name, BuildServiceCluster(key, port, model.PolicyFor(key), kind));
  AddResource(resources, name, BuildLoadAssignment(name, EndpointsFor(model, key, port.port)));
}

}  // namespace

ResourceMap BuildSidecarResources(const Model& model, const NodeInfo& /*node*/,
                                  std::vector<std::string>* warnings) {
  ResourceMap resources;
  AddResource(resources, std::string(kOutboundListenerName), BuildOutboundListener(model));
  AddResource(resources, std::string(kInboundListenerName), BuildInboundListener());
  AddResource(resources, std::string(kPassthroughCluster),
              BuildPassthroughCluster(kPassthroughCluster));
  AddResource(resources, std::string(kInboundPassthroughCluster),
              BuildInboundPassthroughCluster(kInboundPassthroughCluster));
  for (const auto& [key, service] : model.services) {
    for (const ServicePort& port : service.ports) {
      AddServicePortCluster(model, service, port, ClientKind::kSidecar, resources);
      // Only chains refer to route configurations, and headless services have none.
      if (IsHttpProtocol(port.protocol) && !service.vip.empty()) {
        const auto config =
            BuildRouteConfiguration(model, service, port, ClientKind::kSidecar, warnings);
        AddResource(resources, config.name(), config);
      }
    }
  }
  return resources;
}

ResourceMap BuildProxylessResources(const Model& model,
                                    const std::vector<std::string>& listener_names,
                                    const std::string& client_ns,
                                    std::vector<std::string>* warnings) {
  // Cluster name -> its service port, to follow route references.
  std::map<std::string, std::pair<const Service*, const ServicePort*>> by_cluster;
  for (const auto& [key, service] : model.services) {
    for (const ServicePort& port : service.ports) {
      by_cluster[ClusterName(key, static_cast<uint32_t>(port.port))] = {&service, &port};
    }
  }

  ResourceMap resources;
  std::set<std::string> route_configs;
  std::set<std::string> clusters;
  for (const std::string& listener_name : listener_names) {
    std::optional<ProxylessTarget> target = ResolveProxylessTarget(model, listener_name, client_ns);
    if (!target) continue;
    const std::string cluster =
        ClusterName(target->service->meta.key(), static_cast<uint32_t>(target->port->port));
    AddResource(resources, listener_name, BuildApiListener(listener_name, cluster));
    if (!route_configs.insert(cluster).second) continue;  // already built for another name
    const auto config = BuildRouteConfiguration(model, *target->service, *target->port,
                                                ClientKind::kProxyless, warnings);
    AddResource(resources, config.name(), config);
    for (const std::string& used : ReferencedClusters(config)) clusters.insert(used);
  }
  for (const std::string& name : clusters) {
    auto it = by_cluster.find(name);
    if (it == by_cluster.end()) continue;  // cannot happen: BuildModel checked backendRefs
    AddServicePortCluster(model, *it->second.first, *it->second.second, ClientKind::kProxyless,
                          resources);
  }
  return resources;
}

}  // namespace weft::control_plane
