#include "control-plane/translate/translate.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "control-plane/translate/client_kind.h"
#include "control-plane/translate/cluster_builder.h"
#include "control-plane/translate/endpoint_builder.h"
#include "control-plane/translate/listener_builder.h"
#include "control-plane/translate/mtls_builder.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/proxyless_target.h"
#include "control-plane/translate/rbac_builder.h"
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
                           ClientKind kind, ResourceMap& resources,
                           const MeshSecurity* security = nullptr) {
  const ObjectKey key = service.meta.key();
  const std::string name = ClusterName(key, static_cast<uint32_t>(port.port));
  const PortEndpoints endpoints = EndpointsFor(model, key, port.port);
  bool all_meshed = true;
  for (const Endpoint& e : endpoints.endpoints) {
    auto w = model.workloads.find(e.workload);
    // An address outside the mesh (no workload) has no sidecar either.
    if (w == model.workloads.end() || !w->second.sidecar) all_meshed = false;
  }
  envoy::config::cluster::v3::Cluster cluster =
      BuildServiceCluster(key, port, model.PolicyFor(key), kind, all_meshed);
  if (security != nullptr) {
    std::optional<envoy::config::core::v3::TransportSocket> tls =
        UpstreamMtls(model, endpoints, *security);
    if (tls.has_value()) *cluster.mutable_transport_socket() = std::move(*tls);
  }
  AddResource(resources, name, cluster);
  AddResource(resources, name, BuildLoadAssignment(name, endpoints));
}

// The ports of the node's workload that serve HTTP for some service selecting
// it (the resolved target ports), sorted.
std::vector<uint32_t> InboundHttpPorts(const Model& model, const NodeInfo& node) {
  std::set<uint32_t> ports;
  auto it = model.workloads.find(ObjectKey{node.ns, node.workload});
  if (it == model.workloads.end()) return {};
  const Workload& workload = it->second;
  for (const auto& [key, service] : model.services) {
    if (key.ns != node.ns || !SelectorMatches(service.selector, workload.meta.labels)) continue;
    for (const ServicePort& port : service.ports) {
      if (!IsHttpProtocol(port.protocol)) continue;
      int32_t target = port.target_port != 0 ? port.target_port : port.port;
      if (!port.target_port_name.empty()) {
        target = 0;
        for (const WorkloadPort& wp : workload.ports) {
          if (wp.name == port.target_port_name) target = wp.port;
        }
      }
      if (target > 0) ports.insert(static_cast<uint32_t>(target));
    }
  }
  return std::vector<uint32_t>(ports.begin(), ports.end());
}

// The node's authorization filters (rbac_builder.h); none for an unknown workload.
std::vector<envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter>
InboundRbacFilters(const Model& model, const NodeInfo& node) {
  auto it = model.workloads.find(ObjectKey{node.ns, node.workload});
  if (it == model.workloads.end()) return {};
  return BuildInboundRbacFilters(model, it->second);
}

}  // namespace

ResourceMap BuildSidecarResources(const Model& model, const NodeInfo& node,
                                  std::vector<std::string>* warnings) {
  return BuildSidecarResources(model, node, MeshSecurity{}, warnings);
}

ResourceMap BuildSidecarResources(const Model& model, const NodeInfo& node,
                                  const MeshSecurity& security,
                                  std::vector<std::string>* warnings) {
  ResourceMap resources;
  AddResource(resources, std::string(kOutboundListenerName), BuildOutboundListener(model));
  const std::vector<uint32_t> inbound_http = InboundHttpPorts(model, node);
  envoy::config::listener::v3::Listener inbound =
      BuildInboundListener(inbound_http, InboundRbacFilters(model, node));
  const MeshSecurity* mtls = security.enabled ? &security : nullptr;
  if (mtls != nullptr) {
    auto w = model.workloads.find(ObjectKey{node.ns, node.workload});
    if (w != model.workloads.end()) AddInboundMtls(MtlsFor(model, w->second), inbound);
    AddResource(resources, kTrustBundleSecretName, TrustBundleSecret(security));
  }
  AddResource(resources, std::string(kInboundListenerName), inbound);
  if (!inbound_http.empty()) {
    AddResource(resources, std::string(kInboundRouteConfigName), BuildInboundRouteConfiguration());
  }
  AddResource(resources, std::string(kPassthroughCluster),
              BuildPassthroughCluster(kPassthroughCluster));
  AddResource(resources, std::string(kInboundPassthroughCluster),
              BuildInboundPassthroughCluster(kInboundPassthroughCluster));
  for (const auto& [key, service] : model.services) {
    for (const ServicePort& port : service.ports) {
      AddServicePortCluster(model, service, port, ClientKind::kSidecar, resources, mtls);
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
