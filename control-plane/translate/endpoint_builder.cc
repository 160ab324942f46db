#include "control-plane/translate/endpoint_builder.h"

#include <map>
#include <utility>
#include <vector>

namespace weft::control_plane {

envoy::config::endpoint::v3::ClusterLoadAssignment BuildLoadAssignment(
    const std::string& cluster_name, const PortEndpoints& endpoints) {
  // Grouped by locality; inside one, in the model's order (by workload key).
  std::map<std::pair<std::string, std::string>, std::vector<const Endpoint*>> by_locality;
  for (const Endpoint& endpoint : endpoints.endpoints) {
    by_locality[{endpoint.locality.region, endpoint.locality.zone}].push_back(&endpoint);
  }

  envoy::config::endpoint::v3::ClusterLoadAssignment assignment;
  assignment.set_cluster_name(cluster_name);
  for (const auto& [locality, members] : by_locality) {
    auto* group = assignment.add_endpoints();
    group->mutable_locality()->set_region(locality.first);
    group->mutable_locality()->set_zone(locality.second);
    group->mutable_load_balancing_weight()->set_value(static_cast<uint32_t>(members.size()));
    for (const Endpoint* endpoint : members) {
      auto* lb_endpoint = group->add_lb_endpoints();
      auto* address = lb_endpoint->mutable_endpoint()->mutable_address()->mutable_socket_address();
      address->set_address(endpoint->address);
      address->set_port_value(endpoint->port);
      lb_endpoint->set_health_status(envoy::config::core::v3::HEALTHY);
      lb_endpoint->mutable_load_balancing_weight()->set_value(1);
    }
  }
  return assignment;
}

}  // namespace weft::control_plane
