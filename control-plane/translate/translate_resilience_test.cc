// TrafficPolicy resilience settings into xDS (clusters and routes), HTTP/2 between
// sidecars, and what proxyless clients keep.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/test_models.h"
#include "control-plane/translate/test_xds_unpack.h"
#include "control-plane/translate/translate.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/http/fault/v3/fault.pb.h"
#include "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.pb.h"
#include "envoy/extensions/upstreams/http/v3/http_protocol_options.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/xds/xds_translator.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::route::v3::Route;
using envoy::config::route::v3::RouteConfiguration;
using HttpProtocolOptions = envoy::extensions::upstreams::http::v3::HttpProtocolOptions;
using LocalRateLimit = envoy::extensions::filters::http::local_ratelimit::v3::LocalRateLimit;
using HTTPFault = envoy::extensions::filters::http::fault::v3::HTTPFault;
using testing::GetResource;
using ::testing::HasSubstr;

constexpr char kBackend[] = "outbound|8080||backend.default.svc.cluster.local";
constexpr char kBackendDb[] = "outbound|5432||backend.default.svc.cluster.local";
constexpr char kProtocolOptions[] = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

class ResilienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Model> model = testing::ModelFromYaml(testing::kMeshYaml);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
    ASSERT_EQ(model_.traffic_policies.size(), 1u);
    policy_ = &model_.traffic_policies.begin()->second;
  }

  ResourceMap Sidecar() {
    return BuildSidecarResources(model_, {"default/frontend-0", "default", "frontend-0",
                                          "default", false},
                                 &warnings_);
  }

  // The first route of the backend:8080 route configuration that forwards to a
  // cluster.
  Route BackendRoute(const ResourceMap& resources) {
    auto rc = GetResource<RouteConfiguration>(resources, kRouteConfigurationTypeUrl, kBackend);
    for (const auto& vh : rc.virtual_hosts()) {
      for (const Route& r : vh.routes()) {
        if (r.has_route()) return r;
      }
    }
    ADD_FAILURE() << "no forwarding route";
    return Route();
  }

  Model model_;
  TrafficPolicy* policy_ = nullptr;
  std::vector<std::string> warnings_;
};

TEST_F(ResilienceTest, SidecarHttpClustersUseHttp2AndTcpPortsAreUntouched) {
  ResourceMap resources = Sidecar();
  Cluster http = GetResource<Cluster>(resources, kClusterTypeUrl, kBackend);
  ASSERT_EQ(http.typed_extension_protocol_options().count(kProtocolOptions), 1u);
  HttpProtocolOptions options;
  ASSERT_TRUE(http.typed_extension_protocol_options().at(kProtocolOptions).UnpackTo(&options));
  EXPECT_TRUE(options.explicit_http_config().has_http2_protocol_options());

  Cluster tcp = GetResource<Cluster>(resources, kClusterTypeUrl, kBackendDb);
  EXPECT_TRUE(tcp.typed_extension_protocol_options().empty());

  Cluster inbound = GetResource<Cluster>(resources, kClusterTypeUrl, "InboundPassthroughCluster");
  HttpProtocolOptions inbound_options;
  ASSERT_TRUE(
      inbound.typed_extension_protocol_options().at(kProtocolOptions).UnpackTo(&inbound_options));
  EXPECT_TRUE(inbound_options.has_use_downstream_protocol_config());
  Cluster outbound = GetResource<Cluster>(resources, kClusterTypeUrl, "PassthroughCluster");
  EXPECT_TRUE(outbound.typed_extension_protocol_options().empty());
}

TEST_F(ResilienceTest, RingHashWithHeaderKey) {
  policy_->load_balancer->type = LoadBalancerType::kRingHash;
  policy_->load_balancer->hash_key = HashKey{.header = "x-user"};
  policy_->load_balancer->minimum_ring_size = 2048;
  ResourceMap resources = Sidecar();
  Cluster cluster = GetResource<Cluster>(resources, kClusterTypeUrl, kBackend);
  EXPECT_EQ(cluster.lb_policy(), Cluster::RING_HASH);
  EXPECT_EQ(cluster.ring_hash_lb_config().minimum_ring_size().value(), 2048u);
  Route route = BackendRoute(resources);
  ASSERT_EQ(route.route().hash_policy_size(), 1);
  EXPECT_EQ(route.route().hash_policy(0).header().header_name(), "x-user");

  // Proxyless gRPC 1.51 implements ring hash with a header key: the route keeps it.
  ResourceMap proxyless = BuildProxylessResources(model_, {"backend:8080"});
  EXPECT_EQ(BackendRoute(proxyless).route().hash_policy(0).header().header_name(), "x-user");
}

TEST_F(ResilienceTest, MaglevCookieAndPeakEwma) {
  policy_->load_balancer->type = LoadBalancerType::kMaglev;
  policy_->load_balancer->hash_key = HashKey{.cookie = "session"};
  ResourceMap resources = Sidecar();
  EXPECT_EQ(GetResource<Cluster>(resources, kClusterTypeUrl, kBackend).lb_policy(),
            Cluster::MAGLEV);
  EXPECT_EQ(BackendRoute(resources).route().hash_policy(0).cookie().name(), "session");

  policy_->load_balancer = LoadBalancerPolicy{.type = LoadBalancerType::kPeakEwma};
  Cluster ewma = GetResource<Cluster>(Sidecar(), kClusterTypeUrl, kBackend);
  EXPECT_EQ(ewma.lb_policy(), Cluster::LEAST_REQUEST);
  EXPECT_EQ(ewma.metadata().filter_metadata().at("weft").fields().at("lb_policy").string_value(),
            "peak_ewma");
}

TEST_F(ResilienceTest, ZoneAwareBalancingReachesTheSidecarWithEveryEndpointsZone) {
  policy_->load_balancer = LoadBalancerPolicy{.zone_aware = ZoneAwarePolicy{55}};
  const ResourceMap resources = Sidecar();
  const Cluster cluster = GetResource<Cluster>(resources, kClusterTypeUrl, kBackend);
  EXPECT_TRUE(cluster.common_lb_config().has_zone_aware_lb_config());

  // What the sidecar runs with: the exact share, and each endpoint's zone.
  config::ProxyConfig bootstrap;
  bootstrap.xds.zone = "a";
  absl::StatusOr<config::ProxyConfig> proxy =
      xds::TranslateXds(testing::UnpackForProxy(resources), bootstrap);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  const config::Cluster* backend = proxy->FindCluster(kBackend);
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->load_balancing.locality_min_healthy_percent, 55u);
  std::vector<std::string> zones;
  for (const config::Endpoint& e : backend->endpoints) {
    zones.push_back(absl::StrCat(e.address, "@", e.zone));
  }
  EXPECT_THAT(zones, ::testing::UnorderedElementsAre("10.1.0.3@b", "10.1.0.4@a", "10.1.0.5@b"));
  EXPECT_EQ(proxy->xds.zone, "a");

  // Not set: no zone preference.
  policy_->load_balancer = LoadBalancerPolicy{};
  EXPECT_FALSE(GetResource<Cluster>(Sidecar(), kClusterTypeUrl, kBackend)
                   .common_lb_config()
                   .has_zone_aware_lb_config());
}

TEST_F(ResilienceTest, RetryBudgetAndGatewayErrors) {
  policy_->retries->budget = RetryBudgetPolicy{.percent = 25, .min_retry_concurrency = 5};
  policy_->outlier_detection->consecutive_gateway_errors = 4;
  Cluster cluster = GetResource<Cluster>(Sidecar(), kClusterTypeUrl, kBackend);
  ASSERT_EQ(cluster.circuit_breakers().thresholds_size(), 1);
  const auto& thresholds = cluster.circuit_breakers().thresholds(0);
  EXPECT_EQ(thresholds.max_connections().value(), 100u);  // same thresholds entry
  EXPECT_DOUBLE_EQ(thresholds.retry_budget().budget_percent().value(), 25);
  EXPECT_EQ(thresholds.retry_budget().min_retry_concurrency().value(), 5u);
  EXPECT_EQ(cluster.outlier_detection().consecutive_gateway_failure().value(), 4u);
  EXPECT_EQ(cluster.outlier_detection().enforcing_consecutive_gateway_failure().value(), 100u);
}

TEST_F(ResilienceTest, RateLimitAndFaultOnRoutes) {
  policy_->rate_limit = RateLimitPolicy{.requests_per_unit = 600, .unit = absl::Minutes(1),
                                        .per_source = true};
  FaultInjectionPolicy fault;
  fault.delay = FaultDelayPolicy{.percent = 0.5, .fixed_delay = absl::Milliseconds(200)};
  fault.abort = FaultAbortPolicy{.percent = 10, .http_status = 503, .grpc_status = {}};
  policy_->fault_injection = fault;
  Route route = BackendRoute(Sidecar());
  LocalRateLimit limit;
  ASSERT_TRUE(route.typed_per_filter_config()
                  .at("envoy.filters.http.local_ratelimit")
                  .UnpackTo(&limit));
  EXPECT_EQ(limit.token_bucket().max_tokens(), 600u);
  EXPECT_EQ(limit.token_bucket().tokens_per_fill().value(), 600u);
  EXPECT_EQ(limit.token_bucket().fill_interval().seconds(), 60);
  EXPECT_EQ(limit.filter_enabled().default_value().numerator(), 100u);
  EXPECT_EQ(limit.filter_enforced().default_value().numerator(), 100u);
  EXPECT_TRUE(route.metadata()
                  .filter_metadata()
                  .at("weft")
                  .fields()
                  .at("rate_limit_per_source")
                  .bool_value());
  HTTPFault http_fault;
  ASSERT_TRUE(
      route.typed_per_filter_config().at("envoy.filters.http.fault").UnpackTo(&http_fault));
  EXPECT_EQ(http_fault.delay().fixed_delay().nanos(), 200'000'000);
  EXPECT_EQ(http_fault.delay().percentage().numerator(), 5000u);  // millionths
  EXPECT_EQ(http_fault.abort().http_status(), 503u);
  EXPECT_EQ(http_fault.abort().percentage().numerator(), 100000u);

  // Proxyless clients lose them, with a warning.
  std::vector<std::string> warnings;
  ResourceMap proxyless = BuildProxylessResources(model_, {"backend:8080"}, "default", &warnings);
  Route proxyless_route = BackendRoute(proxyless);
  EXPECT_TRUE(proxyless_route.typed_per_filter_config().empty());
  bool warned = false;
  for (const std::string& w : warnings) {
    warned = warned || w.find("rateLimit or faultInjection") != std::string::npos;
  }
  EXPECT_TRUE(warned) << ::testing::PrintToString(warnings);
}

}  // namespace
}  // namespace weft::control_plane

namespace weft::control_plane {
namespace {

// A Service without HTTPRoutes gets a catch-all "default" route; its policy's
// rate limit must reach it like any other route's.
TEST(ResilienceDefaultRouteTest, ServiceWithoutRoutesKeepsItsRateLimit) {
  absl::StatusOr<Model> model = testing::ModelFromYaml(testing::kMeshYaml);
  ASSERT_TRUE(model.ok()) << model.status();
  TrafficPolicy& policy = model->traffic_policies.begin()->second;
  policy.target_ref.name = "frontend";  // frontend has no HTTPRoute
  policy.rate_limit = RateLimitPolicy{.requests_per_unit = 20, .unit = absl::Seconds(1),
                                      .per_source = false};
  ResourceMap resources = BuildSidecarResources(
      *model, {"default/frontend-0", "default", "frontend-0", "default", false});
  auto rc = GetResource<RouteConfiguration>(resources, kRouteConfigurationTypeUrl,
                                            "outbound|80||frontend.default.svc.cluster.local");
  ASSERT_EQ(rc.virtual_hosts_size(), 1);
  const Route& route = rc.virtual_hosts(0).routes(0);
  EXPECT_EQ(route.name(), "default");
  LocalRateLimit limit;
  ASSERT_TRUE(route.typed_per_filter_config()
                  .at("envoy.filters.http.local_ratelimit")
                  .UnpackTo(&limit));
  EXPECT_EQ(limit.token_bucket().max_tokens(), 20u);
}

}  // namespace
}  // namespace weft::control_plane
