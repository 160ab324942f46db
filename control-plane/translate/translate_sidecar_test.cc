// BuildSidecarResources on the test mesh (test_models.cc): listeners, clusters,
// load assignments, route configurations, references and determinism.

#include <string>
#include <vector>

#include "control-plane/translate/names.h"
#include "control-plane/translate/proxyless_conformance.h"
#include "control-plane/translate/test_models.h"
#include "control-plane/translate/test_xds_unpack.h"
#include "control-plane/translate/translate.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::core::v3::HeaderValueOption;
using envoy::config::endpoint::v3::ClusterLoadAssignment;
using envoy::config::listener::v3::FilterChain;
using envoy::config::listener::v3::Listener;
using envoy::config::route::v3::Route;
using envoy::config::route::v3::RouteConfiguration;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy;
using ::testing::ElementsAre;
using testing::GetResource;
using ::testing::IsEmpty;
using testing::ResourceNames;
using ::testing::UnorderedElementsAre;

constexpr char kBackend[] = "outbound|8080||backend.default.svc.cluster.local";
constexpr char kBackendDb[] = "outbound|5432||backend.default.svc.cluster.local";
constexpr char kBackendV1[] = "outbound|8080||backend-v1.default.svc.cluster.local";
constexpr char kBackendV2[] = "outbound|8080||backend-v2.default.svc.cluster.local";
constexpr char kFrontend[] = "outbound|80||frontend.default.svc.cluster.local";
constexpr char kDb[] = "outbound|5432||db.default.svc.cluster.local";

std::string Seconds(const google::protobuf::Duration& d) {
  return std::to_string(d.seconds()) + "s" + (d.nanos() ? std::to_string(d.nanos()) + "ns" : "");
}

class SidecarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Model> model = testing::ModelFromYaml(testing::kMeshYaml);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
    node_ = NodeInfo{"default/frontend-0", "default", "frontend-0", "default", false};
    resources_ = BuildSidecarResources(model_, node_, &warnings_);
  }

  const FilterChain* Chain(const Listener& listener, const std::string& name) {
    for (const FilterChain& chain : listener.filter_chains()) {
      if (chain.name() == name) return &chain;
    }
    ADD_FAILURE() << "no filter chain " << name;
    return nullptr;
  }

  Model model_;
  NodeInfo node_;
  std::vector<std::string> warnings_;
  ResourceMap resources_;
};

TEST_F(SidecarTest, ResourceNamesPerType) {
  EXPECT_THAT(ResourceNames(resources_, kListenerTypeUrl), ElementsAre("inbound", "outbound"));
  EXPECT_THAT(ResourceNames(resources_, kClusterTypeUrl),
              UnorderedElementsAre(kBackend, kBackendDb, kBackendV1, kBackendV2, kFrontend, kDb,
                                   "PassthroughCluster", "InboundPassthroughCluster"));
  EXPECT_THAT(ResourceNames(resources_, kClusterLoadAssignmentTypeUrl),
              UnorderedElementsAre(kBackend, kBackendDb, kBackendV1, kBackendV2, kFrontend, kDb));
  // Only http/http2/grpc ports with a VIP: no tcp-db port, no headless db; and
  // the inbound HTTP chains' (frontend-0 serves frontend's http port).
  EXPECT_THAT(ResourceNames(resources_, kRouteConfigurationTypeUrl),
              UnorderedElementsAre(kBackend, kBackendV1, kBackendV2, kFrontend, "inbound-http"));
  EXPECT_EQ(resources_.size(), 4u);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(SidecarTest, OutboundListener) {
  Listener listener = GetResource<Listener>(resources_, kListenerTypeUrl, "outbound");
  EXPECT_EQ(listener.name(), "outbound");
  EXPECT_EQ(listener.address().socket_address().address(), "0.0.0.0");
  EXPECT_EQ(listener.address().socket_address().port_value(), 15001u);
  EXPECT_TRUE(listener.use_original_dst().value());
  EXPECT_EQ(listener.traffic_direction(), envoy::config::core::v3::OUTBOUND);
  ASSERT_EQ(listener.listener_filters_size(), 1);
  EXPECT_EQ(listener.listener_filters(0).name(), "envoy.filters.listener.http_inspector");
  EXPECT_EQ(
      listener.listener_filters(0).typed_config().type_url(),
      "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector");
  EXPECT_FALSE(listener.has_api_listener());

  // Every port of every service with a VIP, in model (service key) order; db is headless.
  std::vector<std::string> chains;
  for (const FilterChain& chain : listener.filter_chains()) chains.push_back(chain.name());
  EXPECT_THAT(chains, ElementsAre(kBackend, kBackendDb, kBackendV1, kBackendV2, kFrontend));

  // Default chain: TcpProxy to PassthroughCluster.
  const FilterChain& fallback = listener.default_filter_chain();
  ASSERT_EQ(fallback.filters_size(), 1);
  EXPECT_EQ(fallback.filters(0).name(), "envoy.filters.network.tcp_proxy");
  TcpProxy passthrough;
  ASSERT_TRUE(fallback.filters(0).typed_config().UnpackTo(&passthrough));
  EXPECT_EQ(passthrough.cluster(), "PassthroughCluster");
  EXPECT_FALSE(fallback.has_filter_chain_match());
}

TEST_F(SidecarTest, HttpPortChainHasRdsConnectionManager) {
  Listener listener = GetResource<Listener>(resources_, kListenerTypeUrl, "outbound");
  const FilterChain* chain = Chain(listener, kBackend);
  ASSERT_NE(chain, nullptr);
  const auto& match = chain->filter_chain_match();
  ASSERT_EQ(match.prefix_ranges_size(), 1);
  EXPECT_EQ(match.prefix_ranges(0).address_prefix(), "10.96.0.10");
  EXPECT_EQ(match.prefix_ranges(0).prefix_len().value(), 32u);
  EXPECT_EQ(match.destination_port().value(), 8080u);
  ASSERT_EQ(chain->filters_size(), 1);
  EXPECT_EQ(chain->filters(0).name(), "envoy.filters.network.http_connection_manager");
  HttpConnectionManager hcm;
  ASSERT_TRUE(chain->filters(0).typed_config().UnpackTo(&hcm));
  ASSERT_TRUE(hcm.has_rds());
  EXPECT_TRUE(hcm.rds().config_source().has_ads());
  EXPECT_EQ(hcm.rds().route_config_name(), kBackend);
  ASSERT_EQ(hcm.http_filters_size(), 1);
  EXPECT_EQ(hcm.http_filters(0).name(), "envoy.filters.http.router");
  EXPECT_EQ(hcm.http_filters(0).typed_config().type_url(),
            "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");

  // frontend's VIP was allocated from 10.96.0.0/16.
  const FilterChain* frontend = Chain(listener, kFrontend);
  ASSERT_NE(frontend, nullptr);
  EXPECT_EQ(frontend->filter_chain_match().prefix_ranges(0).address_prefix(),
            model_.FindService({"default", "frontend"})->vip);
  EXPECT_EQ(frontend->filter_chain_match().destination_port().value(), 80u);
  EXPECT_EQ(frontend->filters(0).name(), "envoy.filters.network.http_connection_manager");
}

TEST_F(SidecarTest, TcpPortChainHasTcpProxy) {
  Listener listener = GetResource<Listener>(resources_, kListenerTypeUrl, "outbound");
  const FilterChain* chain = Chain(listener, kBackendDb);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->filter_chain_match().prefix_ranges(0).address_prefix(), "10.96.0.10");
  EXPECT_EQ(chain->filter_chain_match().destination_port().value(), 5432u);
  ASSERT_EQ(chain->filters_size(), 1);
  EXPECT_EQ(chain->filters(0).name(), "envoy.filters.network.tcp_proxy");
  TcpProxy proxy;
  ASSERT_TRUE(chain->filters(0).typed_config().UnpackTo(&proxy));
  EXPECT_EQ(proxy.cluster(), kBackendDb);
  EXPECT_EQ(proxy.stat_prefix(), kBackendDb);
}

TEST_F(SidecarTest, InboundListener) {
  Listener listener = GetResource<Listener>(resources_, kListenerTypeUrl, "inbound");
  EXPECT_EQ(listener.address().socket_address().address(), "0.0.0.0");
  EXPECT_EQ(listener.address().socket_address().port_value(), 15006u);
  EXPECT_TRUE(listener.use_original_dst().value());
  EXPECT_EQ(listener.traffic_direction(), envoy::config::core::v3::INBOUND);
  ASSERT_EQ(listener.listener_filters_size(), 1);
  EXPECT_EQ(listener.listener_filters(0).name(), "envoy.filters.listener.http_inspector");
  // frontend-0 serves frontend's http port at targetPort 8080: one HTTP chain
  // for it, where requests carried over HTTP/2 are turned back into HTTP/1.1.
  ASSERT_EQ(listener.filter_chains_size(), 1);
  const FilterChain& http = listener.filter_chains(0);
  EXPECT_EQ(http.filter_chain_match().destination_port().value(), 8080u);
  EXPECT_EQ(http.filters(0).name(), "envoy.filters.network.http_connection_manager");
  HttpConnectionManager hcm;
  ASSERT_TRUE(http.filters(0).typed_config().UnpackTo(&hcm));
  EXPECT_EQ(hcm.rds().route_config_name(), "inbound-http");
  RouteConfiguration inbound =
      GetResource<RouteConfiguration>(resources_, kRouteConfigurationTypeUrl, "inbound-http");
  ASSERT_EQ(inbound.virtual_hosts_size(), 1);
  EXPECT_EQ(inbound.virtual_hosts(0).routes(0).route().cluster(), "InboundPassthroughCluster");
  TcpProxy proxy;
  ASSERT_TRUE(listener.default_filter_chain().filters(0).typed_config().UnpackTo(&proxy));
  EXPECT_EQ(proxy.cluster(), "InboundPassthroughCluster");
}

TEST_F(SidecarTest, WorkloadsWithoutSidecarsAreNotSentHttp2) {
  // backend-v1-0 serves backend's grpc port; without a sidecar, clients'
  // sidecars must speak its own protocol to it.
  Model model = model_;
  for (auto& [key, w] : model.workloads) {
    if (key.name == "backend-v1-0") w.sidecar = false;
  }
  ResourceMap resources = BuildSidecarResources(model, node_);
  Cluster meshed = GetResource<Cluster>(resources_, kClusterTypeUrl, kBackend);
  Cluster mixed = GetResource<Cluster>(resources, kClusterTypeUrl, kBackend);
  EXPECT_EQ(meshed.typed_extension_protocol_options().size(), 1u);
  EXPECT_EQ(mixed.typed_extension_protocol_options().size(), 0u);
}

TEST_F(SidecarTest, ClusterWithTrafficPolicy) {
  Cluster cluster = GetResource<Cluster>(resources_, kClusterTypeUrl, kBackend);
  EXPECT_EQ(cluster.name(), kBackend);
  EXPECT_EQ(cluster.type(), Cluster::EDS);
  EXPECT_TRUE(cluster.eds_cluster_config().eds_config().has_ads());
  EXPECT_EQ(cluster.eds_cluster_config().service_name(), kBackend);
  EXPECT_EQ(Seconds(cluster.connect_timeout()), "2s");
  EXPECT_EQ(cluster.lb_policy(), Cluster::LEAST_REQUEST);
  ASSERT_EQ(cluster.circuit_breakers().thresholds_size(), 1);
  const auto& thresholds = cluster.circuit_breakers().thresholds(0);
  EXPECT_EQ(thresholds.priority(), envoy::config::core::v3::DEFAULT);
  EXPECT_EQ(thresholds.max_connections().value(), 100u);
  EXPECT_EQ(thresholds.max_requests().value(), 200u);
  EXPECT_FALSE(thresholds.has_max_pending_requests());
  EXPECT_FALSE(thresholds.has_max_retries());
  const auto& outlier = cluster.outlier_detection();
  EXPECT_EQ(outlier.consecutive_5xx().value(), 3u);
  EXPECT_EQ(Seconds(outlier.interval()), "5s");
  EXPECT_EQ(Seconds(outlier.base_ejection_time()), "30s");
  EXPECT_EQ(Seconds(outlier.max_ejection_time()), "300s");
  EXPECT_EQ(outlier.max_ejection_percent().value(), 50u);
  EXPECT_TRUE(outlier.has_enforcing_success_rate());
  EXPECT_EQ(outlier.enforcing_success_rate().value(), 0u);

  // The port-5432 cluster of the same service has the same policy.
  EXPECT_EQ(GetResource<Cluster>(resources_, kClusterTypeUrl, kBackendDb).lb_policy(),
            Cluster::LEAST_REQUEST);
}

TEST_F(SidecarTest, ClusterWithoutPolicyAndPassthroughClusters) {
  Cluster cluster = GetResource<Cluster>(resources_, kClusterTypeUrl, kBackendV1);
  EXPECT_EQ(cluster.type(), Cluster::EDS);
  EXPECT_EQ(Seconds(cluster.connect_timeout()), "1s");
  EXPECT_EQ(cluster.lb_policy(), Cluster::ROUND_ROBIN);
  EXPECT_FALSE(cluster.has_circuit_breakers());
  EXPECT_FALSE(cluster.has_outlier_detection());

  for (const char* name : {"PassthroughCluster", "InboundPassthroughCluster"}) {
    Cluster passthrough = GetResource<Cluster>(resources_, kClusterTypeUrl, name);
    EXPECT_EQ(passthrough.name(), name);
    EXPECT_EQ(passthrough.type(), Cluster::ORIGINAL_DST);
    EXPECT_EQ(passthrough.lb_policy(), Cluster::CLUSTER_PROVIDED);
    EXPECT_FALSE(passthrough.has_eds_cluster_config());
  }
}

TEST_F(SidecarTest, LoadAssignmentsGroupReadyEndpointsByLocality) {
  auto cla =
      GetResource<ClusterLoadAssignment>(resources_, kClusterLoadAssignmentTypeUrl, kBackendV1);
  EXPECT_EQ(cla.cluster_name(), kBackendV1);
  ASSERT_EQ(cla.endpoints_size(), 2);
  // Sorted by (region, zone): a before b.
  EXPECT_EQ(cla.endpoints(0).locality().region(), "r1");
  EXPECT_EQ(cla.endpoints(0).locality().zone(), "a");
  EXPECT_EQ(cla.endpoints(0).load_balancing_weight().value(), 1u);
  EXPECT_EQ(cla.endpoints(0).priority(), 0u);
  ASSERT_EQ(cla.endpoints(0).lb_endpoints_size(), 1);
  const auto& endpoint = cla.endpoints(0).lb_endpoints(0);
  EXPECT_EQ(endpoint.endpoint().address().socket_address().address(), "10.1.0.4");
  EXPECT_EQ(endpoint.endpoint().address().socket_address().port_value(), 9000u);  // targetPort
  EXPECT_EQ(endpoint.health_status(), envoy::config::core::v3::HEALTHY);
  EXPECT_EQ(endpoint.load_balancing_weight().value(), 1u);
  EXPECT_EQ(cla.endpoints(1).locality().zone(), "b");
  EXPECT_EQ(cla.endpoints(1).lb_endpoints(0).endpoint().address().socket_address().address(),
            "10.1.0.3");

  // backend-v2-1 is not ready: backend-v2 has one endpoint.
  auto v2 =
      GetResource<ClusterLoadAssignment>(resources_, kClusterLoadAssignmentTypeUrl, kBackendV2);
  ASSERT_EQ(v2.endpoints_size(), 1);
  ASSERT_EQ(v2.endpoints(0).lb_endpoints_size(), 1);
  EXPECT_EQ(v2.endpoints(0).lb_endpoints(0).endpoint().address().socket_address().address(),
            "10.1.0.5");

  // backend selects v1 and v2 (ready ones): zone a has one, zone b two.
  auto backend =
      GetResource<ClusterLoadAssignment>(resources_, kClusterLoadAssignmentTypeUrl, kBackend);
  ASSERT_EQ(backend.endpoints_size(), 2);
  EXPECT_EQ(backend.endpoints(0).lb_endpoints_size(), 1);
  EXPECT_EQ(backend.endpoints(1).lb_endpoints_size(), 2);
  EXPECT_EQ(backend.endpoints(1).load_balancing_weight().value(), 2u);
  EXPECT_EQ(backend.endpoints(1).lb_endpoints(0).endpoint().address().socket_address().port_value(),
            8080u);

  // db selects nothing: an assignment without endpoints.
  auto db = GetResource<ClusterLoadAssignment>(resources_, kClusterLoadAssignmentTypeUrl, kDb);
  EXPECT_EQ(db.cluster_name(), kDb);
  EXPECT_EQ(db.endpoints_size(), 0);
}

TEST_F(SidecarTest, VirtualHostDomains) {
  auto config = GetResource<RouteConfiguration>(resources_, kRouteConfigurationTypeUrl, kBackend);
  EXPECT_EQ(config.name(), kBackend);
  ASSERT_EQ(config.virtual_hosts_size(), 1);
  EXPECT_EQ(config.virtual_hosts(0).name(), "backend.default.svc.cluster.local:8080");
  EXPECT_THAT(
      config.virtual_hosts(0).domains(),
      ElementsAre("backend", "backend:8080", "backend.default", "backend.default:8080",
                  "backend.default.svc", "backend.default.svc:8080",
                  "backend.default.svc.cluster.local", "backend.default.svc.cluster.local:8080",
                  "10.96.0.10", "10.96.0.10:8080"));
}

TEST_F(SidecarTest, RoutesInGatewayApiPrecedenceOrder) {
  auto config = GetResource<RouteConfiguration>(resources_, kRouteConfigurationTypeUrl, kBackend);
  std::vector<std::string> names;
  for (const Route& route : config.virtual_hosts(0).routes()) names.push_back(route.name());
  // Exact (longer first, GRPCRoute before HTTPRoute on ties), regex, prefix
  // (longer first); the split rule matches everything, so no "default" route.
  EXPECT_THAT(
      names,
      ElementsAre("grpcroute/default/backend-grpc/0/0", "httproute/default/backend-split/3/0",
                  "httproute/default/backend-split/2/0", "httproute/default/backend-split/1/0",
                  "httproute/default/backend-split/0/0"));
  const auto& routes = config.virtual_hosts(0).routes();
  EXPECT_EQ(routes[0].match().path(), "/shop.Inventory/Reserve");
  EXPECT_EQ(routes[0].route().cluster(), kBackendV2);
  EXPECT_EQ(routes[1].match().path(), "/healthz");
  EXPECT_EQ(routes[1].route().cluster(), kBackendV1);
  EXPECT_EQ(routes[2].match().safe_regex().regex(), "/items/[0-9]+");

  const auto& api = routes[3].match();
  EXPECT_EQ(api.path_separated_prefix(), "/api");  // whole segments
  ASSERT_EQ(api.headers_size(), 2);
  EXPECT_EQ(api.headers(0).name(), "x-canary");  // lower-cased
  EXPECT_EQ(api.headers(0).string_match().exact(), "true");
  EXPECT_EQ(api.headers(1).name(), ":method");
  EXPECT_EQ(api.headers(1).string_match().exact(), "GET");
  ASSERT_EQ(api.query_parameters_size(), 1);
  EXPECT_EQ(api.query_parameters(0).name(), "debug");
  EXPECT_EQ(api.query_parameters(0).string_match().safe_regex().regex(), "[01]");
  EXPECT_EQ(routes[4].match().prefix(), "/");
  EXPECT_EQ(routes[4].match().headers_size(), 0);
}

TEST_F(SidecarTest, WeightedSplitWithFiltersTimeoutsAndRetries) {
  auto config = GetResource<RouteConfiguration>(resources_, kRouteConfigurationTypeUrl, kBackend);
  const Route& split = config.virtual_hosts(0).routes(4);
  ASSERT_TRUE(split.has_route());
  const auto& weighted = split.route().weighted_clusters();
  ASSERT_EQ(weighted.clusters_size(), 2);
  EXPECT_EQ(weighted.clusters(0).name(), kBackendV1);
  EXPECT_EQ(weighted.clusters(0).weight().value(), 90u);
  EXPECT_EQ(weighted.clusters(1).name(), kBackendV2);
  EXPECT_EQ(weighted.clusters(1).weight().value(), 10u);
  EXPECT_EQ(weighted.total_weight().value(), 100u);

  ASSERT_EQ(split.request_headers_to_add_size(), 2);
  EXPECT_EQ(split.request_headers_to_add(0).header().key(), "x-route");
  EXPECT_EQ(split.request_headers_to_add(0).header().value(), "split");
  EXPECT_EQ(split.request_headers_to_add(0).append_action(),
            HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
  EXPECT_FALSE(split.request_headers_to_add(0).has_append());
  EXPECT_EQ(split.request_headers_to_add(1).header().key(), "x-added");
  EXPECT_EQ(split.request_headers_to_add(1).append_action(),
            HeaderValueOption::APPEND_IF_EXISTS_OR_ADD);
  EXPECT_THAT(split.request_headers_to_remove(), ElementsAre("x-internal"));
  ASSERT_EQ(split.response_headers_to_add_size(), 1);
  EXPECT_EQ(split.response_headers_to_add(0).header().key(), "x-served-by");

  // The rule's timeouts win over the policy's (15s request, 500ms per try).
  EXPECT_EQ(Seconds(split.route().timeout()), "10s");
  const auto& retry = split.route().retry_policy();
  EXPECT_EQ(retry.retry_on(), "5xx,unavailable");
  EXPECT_EQ(retry.num_retries().value(), 2u);
  EXPECT_EQ(Seconds(retry.per_try_timeout()), "2s");
  EXPECT_EQ(retry.retry_back_off().base_interval().nanos(), 50'000'000);
  EXPECT_EQ(Seconds(retry.retry_back_off().max_interval()), "1s");
  // Sidecars get no max_stream_duration (only proxyless clients need it).
  EXPECT_FALSE(split.route().has_max_stream_duration());

  // Rules without timeouts take the policy's.
  const Route& healthz = config.virtual_hosts(0).routes(1);
  EXPECT_EQ(Seconds(healthz.route().timeout()), "15s");
  EXPECT_EQ(healthz.route().retry_policy().per_try_timeout().nanos(), 500'000'000);
}

TEST_F(SidecarTest, ServiceWithoutRoutesGetsCatchAllToItsCluster) {
  auto config = GetResource<RouteConfiguration>(resources_, kRouteConfigurationTypeUrl, kBackendV1);
  ASSERT_EQ(config.virtual_hosts(0).routes_size(), 1);
  const Route& route = config.virtual_hosts(0).routes(0);
  EXPECT_EQ(route.name(), "default");
  EXPECT_EQ(route.match().prefix(), "/");
  EXPECT_EQ(route.route().cluster(), kBackendV1);
  EXPECT_FALSE(route.route().has_timeout());  // no policy: the proxy's default
  EXPECT_FALSE(route.route().has_retry_policy());
}

TEST_F(SidecarTest, EveryReferenceResolves) { EXPECT_THAT(CheckReferences(resources_), IsEmpty()); }

TEST_F(SidecarTest, DeterministicAndIndependentOfManifestOrder) {
  ResourceMap again = BuildSidecarResources(model_, node_);
  absl::StatusOr<Model> reversed =
      testing::ModelFromYaml(testing::ReversedDocuments(testing::kMeshYaml));
  ASSERT_TRUE(reversed.ok()) << reversed.status();
  ResourceMap from_reversed = BuildSidecarResources(*reversed, node_);
  for (const ResourceMap* other : {&again, &from_reversed}) {
    ASSERT_EQ(other->size(), resources_.size());
    for (const auto& [type_url, by_name] : resources_) {
      ASSERT_EQ(other->at(type_url).size(), by_name.size()) << type_url;
      for (const auto& [name, any] : by_name) {
        const google::protobuf::Any& same = other->at(type_url).at(name);
        EXPECT_EQ(same.type_url(), any.type_url());
        EXPECT_EQ(same.value(), any.value()) << type_url << " " << name;
      }
    }
  }
}

TEST_F(SidecarTest, OnlyTheInboundListenerDependsOnTheNode) {
  NodeInfo other{"default/backend-v1-0", "default", "backend-v1-0", "backend", false};
  ResourceMap for_other = BuildSidecarResources(model_, other);
  for (const auto& [type_url, by_name] : resources_) {
    for (const auto& [name, any] : by_name) {
      if (name == "inbound") continue;
      EXPECT_EQ(for_other.at(type_url).at(name).value(), any.value()) << name;
    }
  }
  const std::string listeners(kListenerTypeUrl);
  EXPECT_NE(for_other.at(listeners).at("inbound").value(),
            resources_.at(listeners).at("inbound").value());
}

TEST(SidecarEmptyModelTest, StillHasListenersAndPassthroughClusters) {
  ResourceMap resources = BuildSidecarResources(Model(), NodeInfo{});
  EXPECT_THAT(ResourceNames(resources, kListenerTypeUrl), ElementsAre("inbound", "outbound"));
  EXPECT_THAT(ResourceNames(resources, kClusterTypeUrl),
              ElementsAre("InboundPassthroughCluster", "PassthroughCluster"));
  EXPECT_THAT(ResourceNames(resources, kRouteConfigurationTypeUrl), IsEmpty());
  EXPECT_THAT(CheckReferences(resources), IsEmpty());
  Listener outbound = GetResource<Listener>(resources, kListenerTypeUrl, "outbound");
  EXPECT_EQ(outbound.filter_chains_size(), 0);
}

}  // namespace
}  // namespace weft::control_plane
