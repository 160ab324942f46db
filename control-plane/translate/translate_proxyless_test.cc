// BuildProxylessResources: listener name resolution, the resources a gRPC client
// gets, and every requirement of gRPC 1.51 (api/README.md) checked on them.

#include <string>
#include <vector>

#include "control-plane/translate/names.h"
#include "control-plane/translate/proxyless_conformance.h"
#include "control-plane/translate/proxyless_target.h"
#include "control-plane/translate/test_models.h"
#include "control-plane/translate/test_xds_unpack.h"
#include "control-plane/translate/translate.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::endpoint::v3::ClusterLoadAssignment;
using envoy::config::listener::v3::Listener;
using envoy::config::route::v3::RouteConfiguration;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using ::testing::ElementsAre;
using testing::GetResource;
using ::testing::IsEmpty;
using testing::ResourceNames;
using ::testing::SizeIs;

constexpr char kBackend[] = "outbound|8080||backend.default.svc.cluster.local";
constexpr char kBackendDb[] = "outbound|5432||backend.default.svc.cluster.local";
constexpr char kBackendV1[] = "outbound|8080||backend-v1.default.svc.cluster.local";
constexpr char kBackendV2[] = "outbound|8080||backend-v2.default.svc.cluster.local";

class ProxylessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Model> model = testing::ModelFromYaml(testing::kMeshYaml);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
  }

  Model model_;
};

TEST_F(ProxylessTest, ListenerForBareServiceName) {
  ResourceMap resources = BuildProxylessResources(model_, {"backend"});
  EXPECT_THAT(ResourceNames(resources, kListenerTypeUrl), ElementsAre("backend"));
  Listener listener = GetResource<Listener>(resources, kListenerTypeUrl, "backend");
  EXPECT_EQ(listener.name(), "backend");
  EXPECT_FALSE(listener.has_address());
  EXPECT_EQ(listener.filter_chains_size(), 0);
  HttpConnectionManager hcm;
  ASSERT_TRUE(listener.api_listener().api_listener().UnpackTo(&hcm));
  EXPECT_TRUE(hcm.rds().config_source().has_ads());
  EXPECT_EQ(hcm.rds().route_config_name(), kBackend);  // the grpc port, not 5432
  ASSERT_EQ(hcm.http_filters_size(), 1);
  EXPECT_EQ(hcm.http_filters(0).name(), "envoy.filters.http.router");
  EXPECT_EQ(hcm.http_filters(0).typed_config().type_url(),
            "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");

  // The route configuration and everything its routes use (the split's and the
  // GRPCRoute's backends), with assignments.
  EXPECT_THAT(ResourceNames(resources, kRouteConfigurationTypeUrl), ElementsAre(kBackend));
  EXPECT_THAT(ResourceNames(resources, kClusterTypeUrl), ElementsAre(kBackendV1, kBackendV2));
  EXPECT_THAT(ResourceNames(resources, kClusterLoadAssignmentTypeUrl),
              ElementsAre(kBackendV1, kBackendV2));
}

TEST_F(ProxylessTest, SeveralNamesForOnePortShareTheirResources) {
  ResourceMap resources = BuildProxylessResources(
      model_, {"backend.default:8080", "backend.default.svc.cluster.local", "backend"});
  EXPECT_THAT(ResourceNames(resources, kListenerTypeUrl),
              ElementsAre("backend", "backend.default.svc.cluster.local", "backend.default:8080"));
  for (const char* name : {"backend", "backend.default:8080"}) {
    HttpConnectionManager hcm;
    ASSERT_TRUE(GetResource<Listener>(resources, kListenerTypeUrl, name)
                    .api_listener()
                    .api_listener()
                    .UnpackTo(&hcm));
    EXPECT_EQ(hcm.rds().route_config_name(), kBackend) << name;
  }
  EXPECT_THAT(ResourceNames(resources, kRouteConfigurationTypeUrl), ElementsAre(kBackend));
}

TEST_F(ProxylessTest, ClustersAreRoundRobinWhateverThePolicySays) {
  // backend's policy asks for LeastRequest, which gRPC 1.51 does not have.
  ResourceMap resources = BuildProxylessResources(model_, {"backend-v2", "backend:5432"});
  EXPECT_THAT(ResourceNames(resources, kListenerTypeUrl),
              ElementsAre("backend-v2", "backend:5432"));
  Cluster db = GetResource<Cluster>(resources, kClusterTypeUrl, kBackendDb);
  EXPECT_EQ(db.lb_policy(), Cluster::ROUND_ROBIN);
  EXPECT_EQ(db.type(), Cluster::EDS);
  EXPECT_TRUE(db.eds_cluster_config().eds_config().has_ads());
  EXPECT_EQ(db.circuit_breakers().thresholds(0).max_requests().value(), 200u);
  auto cla =
      GetResource<ClusterLoadAssignment>(resources, kClusterLoadAssignmentTypeUrl, kBackendV2);
  ASSERT_EQ(cla.endpoints_size(), 1);
  EXPECT_EQ(cla.endpoints(0).load_balancing_weight().value(), 1u);
}

TEST_F(ProxylessTest, RoutesCarryDeadlineAndRetries) {
  ResourceMap resources = BuildProxylessResources(model_, {"backend"});
  auto config = GetResource<RouteConfiguration>(resources, kRouteConfigurationTypeUrl, kBackend);
  const auto& split = *config.virtual_hosts(0).routes().rbegin();
  EXPECT_EQ(split.route().weighted_clusters().total_weight().value(), 100u);
  EXPECT_EQ(split.route().max_stream_duration().max_stream_duration().seconds(), 10);
  EXPECT_EQ(split.route().retry_policy().num_retries().value(), 2u);
  EXPECT_EQ(split.route().retry_policy().retry_back_off().base_interval().nanos(), 50'000'000);
}

TEST_F(ProxylessTest, UnknownNamesProduceNothing) {
  for (const char* name : {"nope", "backend.other", "backend:9999", "backend:", "backend:http",
                           "backend.default.svc.cluster", "backend.default.svc.cluster.remote",
                           "backend..default", "", ":8080", "a.b.c.d.e.f"}) {
    EXPECT_THAT(BuildProxylessResources(model_, {name}), IsEmpty()) << name;
  }
  ResourceMap some = BuildProxylessResources(model_, {"nope", "backend-v1"});
  EXPECT_THAT(ResourceNames(some, kListenerTypeUrl), ElementsAre("backend-v1"));
}

TEST_F(ProxylessTest, BareNameUsesTheClientNamespace) {
  EXPECT_THAT(BuildProxylessResources(model_, {"backend"}, "shop"), IsEmpty());
  absl::StatusOr<Model> shop = testing::ModelFromYaml(R"(apiVersion: v1
kind: Service
metadata: {name: greeter, namespace: shop}
spec:
  ports: [{name: http-web, port: 80}, {name: admin, port: 81}, {name: grpc-api, port: 50051}]
)");
  ASSERT_TRUE(shop.ok()) << shop.status();
  EXPECT_THAT(BuildProxylessResources(*shop, {"greeter"}), IsEmpty());  // not in "default"
  std::optional<ProxylessTarget> target = ResolveProxylessTarget(*shop, "greeter", "shop");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->port->port, 50051);  // grpc before http
  target = ResolveProxylessTarget(*shop, "greeter.shop.svc:81", "default");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->port->port, 81);
}

TEST_F(ProxylessTest, MeetsEveryGrpcRequirement) {
  std::vector<std::string> all_names;
  for (const auto& [key, service] : model_.services) {
    all_names.push_back(key.name + "." + key.ns);
    for (const ServicePort& port : service.ports) {
      all_names.push_back(key.name + "." + key.ns + ":" + std::to_string(port.port));
    }
  }
  ResourceMap resources = BuildProxylessResources(model_, all_names);
  EXPECT_THAT(ResourceNames(resources, kListenerTypeUrl), SizeIs(all_names.size()));
  EXPECT_THAT(CheckProxylessConformance(resources), IsEmpty());
  EXPECT_THAT(CheckReferences(resources), IsEmpty());
}

TEST_F(ProxylessTest, Deterministic) {
  ResourceMap a = BuildProxylessResources(model_, {"backend", "frontend:80"});
  ResourceMap b = BuildProxylessResources(model_, {"frontend:80", "backend"});
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [type_url, by_name] : a) {
    ASSERT_EQ(b.at(type_url).size(), by_name.size());
    for (const auto& [name, any] : by_name) EXPECT_EQ(b.at(type_url).at(name).value(), any.value());
  }
}

}  // namespace
}  // namespace weft::control_plane
