#include "proxy/xds/xds_fuzz_input.h"

namespace weft::xds {
namespace {

template <typename Message>
void Add(const google::protobuf::Any& any, std::map<std::string, Message>& into) {
  Message m;
  if (any.UnpackTo(&m)) into[m.name()] = std::move(m);
}

}  // namespace

XdsResources ResourcesFromResponse(const envoy::service::discovery::v3::DiscoveryResponse& r) {
  XdsResources resources;
  for (const google::protobuf::Any& any : r.resources()) {
    if (any.Is<envoy::config::listener::v3::Listener>()) {
      Add(any, resources.listeners);
    } else if (any.Is<envoy::config::route::v3::RouteConfiguration>()) {
      Add(any, resources.routes);
    } else if (any.Is<envoy::config::cluster::v3::Cluster>()) {
      Add(any, resources.clusters);
    } else if (any.Is<envoy::config::endpoint::v3::ClusterLoadAssignment>()) {
      envoy::config::endpoint::v3::ClusterLoadAssignment m;
      if (any.UnpackTo(&m)) resources.endpoints[m.cluster_name()] = std::move(m);
    }
  }
  return resources;
}

}  // namespace weft::xds
