#include "control-plane/xds/ads_test_client.h"

#include "absl/strings/str_cat.h"

namespace weft::xds::testing {

using envoy::service::discovery::v3::AggregatedDiscoveryService;

std::unique_ptr<SotwTestStream> OpenSotw(const std::string& target) {
  return std::make_unique<SotwTestStream>(
      target, [](AggregatedDiscoveryService::Stub* stub, grpc::ClientContext* ctx) {
        return stub->StreamAggregatedResources(ctx);
      });
}

std::unique_ptr<DeltaTestStream> OpenDelta(const std::string& target) {
  return std::make_unique<DeltaTestStream>(
      target, [](AggregatedDiscoveryService::Stub* stub, grpc::ClientContext* ctx) {
        return stub->DeltaAggregatedResources(ctx);
      });
}

envoy::config::endpoint::v3::ClusterLoadAssignment MakeAssignment(const std::string& cluster,
                                                                  int endpoints, int seed) {
  envoy::config::endpoint::v3::ClusterLoadAssignment cla;
  cla.set_cluster_name(cluster);
  auto* locality = cla.add_endpoints();
  locality->mutable_load_balancing_weight()->set_value(1);
  for (int i = 0; i < endpoints; ++i) {
    auto* sa = locality->add_lb_endpoints()
                   ->mutable_endpoint()
                   ->mutable_address()
                   ->mutable_socket_address();
    sa->set_address(absl::StrCat("10.", seed % 256, ".", i / 256, ".", i % 256));
    sa->set_port_value(8080);
  }
  return cla;
}

envoy::config::listener::v3::Listener MakeListener(const std::string& name, int port) {
  envoy::config::listener::v3::Listener l;
  l.set_name(name);
  l.mutable_address()->mutable_socket_address()->set_address("0.0.0.0");
  l.mutable_address()->mutable_socket_address()->set_port_value(port);
  return l;
}

}  // namespace weft::xds::testing
