#include "proxy/xds/xds_translator.h"

#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

using ::testing::HasSubstr;
using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using TcpProxy = envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy;
namespace listener_v3 = envoy::config::listener::v3;
namespace route_v3 = envoy::config::route::v3;
namespace cluster_v3 = envoy::config::cluster::v3;

constexpr char kBackend[] = "outbound|8080||backend.default.svc.cluster.local";

void SetHcm(listener_v3::Filter* f, const std::string& rds) {
  HttpConnectionManager hcm;
  hcm.set_stat_prefix(rds);
  hcm.mutable_rds()->set_route_config_name(rds);
  hcm.mutable_rds()->mutable_config_source()->mutable_ads();
  f->set_name("envoy.filters.network.http_connection_manager");
  f->mutable_typed_config()->PackFrom(hcm);
}

void SetTcp(listener_v3::Filter* f, const std::string& cluster) {
  TcpProxy tcp;
  tcp.set_stat_prefix(cluster);
  tcp.set_cluster(cluster);
  f->set_name("envoy.filters.network.tcp_proxy");
  f->mutable_typed_config()->PackFrom(tcp);
}

XdsResources Sidecar() {
  XdsResources r;
  listener_v3::Listener l;
  l.set_name("outbound");
  l.mutable_address()->mutable_socket_address()->set_address("0.0.0.0");
  l.mutable_address()->mutable_socket_address()->set_port_value(15001);
  l.mutable_use_original_dst()->set_value(true);
  l.add_listener_filters()->set_name("envoy.filters.listener.http_inspector");
  listener_v3::FilterChain* fc = l.add_filter_chains();
  fc->set_name(kBackend);
  auto* range = fc->mutable_filter_chain_match()->add_prefix_ranges();
  range->set_address_prefix("10.96.0.7");
  range->mutable_prefix_len()->set_value(32);
  fc->mutable_filter_chain_match()->mutable_destination_port()->set_value(8080);
  SetHcm(fc->add_filters(), kBackend);
  SetTcp(l.mutable_default_filter_chain()->add_filters(), "PassthroughCluster");
  r.listeners["outbound"] = l;

  cluster_v3::Cluster backend;
  backend.set_name(kBackend);
  backend.set_type(cluster_v3::Cluster::EDS);
  backend.mutable_eds_cluster_config()->mutable_eds_config()->mutable_ads();
  backend.mutable_connect_timeout()->set_seconds(2);
  r.clusters[kBackend] = backend;
  cluster_v3::Cluster v2 = backend;
  v2.set_name("outbound|8080||backend-v2.default.svc.cluster.local");
  r.clusters[v2.name()] = v2;
  cluster_v3::Cluster passthrough;
  passthrough.set_name("PassthroughCluster");
  passthrough.set_type(cluster_v3::Cluster::ORIGINAL_DST);
  r.clusters["PassthroughCluster"] = passthrough;

  envoy::config::endpoint::v3::ClusterLoadAssignment cla;
  cla.set_cluster_name(kBackend);
  auto* lb = cla.add_endpoints()->add_lb_endpoints();
  lb->mutable_endpoint()->mutable_address()->mutable_socket_address()->set_address("10.0.0.11");
  lb->mutable_endpoint()->mutable_address()->mutable_socket_address()->set_port_value(8080);
  auto* down = cla.mutable_endpoints(0)->add_lb_endpoints();
  *down = *lb;
  down->mutable_endpoint()->mutable_address()->mutable_socket_address()->set_address("10.0.0.12");
  down->set_health_status(envoy::config::core::v3::UNHEALTHY);
  r.endpoints[kBackend] = cla;

  route_v3::RouteConfiguration rc;
  rc.set_name(kBackend);
  route_v3::VirtualHost* vh = rc.add_virtual_hosts();
  vh->set_name("backend");
  vh->add_domains("backend");
  vh->add_domains("backend:8080");
  route_v3::Route* route = vh->add_routes();
  route->mutable_match()->set_prefix("/");
  auto* wc = route->mutable_route()->mutable_weighted_clusters();
  auto* a = wc->add_clusters();
  a->set_name(kBackend);
  a->mutable_weight()->set_value(90);
  auto* b = wc->add_clusters();
  b->set_name(v2.name());
  b->mutable_weight()->set_value(10);
  wc->mutable_total_weight()->set_value(100);
  route->mutable_route()->mutable_timeout()->set_seconds(3);
  r.routes[kBackend] = rc;
  return r;
}

config::ProxyConfig Bootstrap() {
  config::ProxyConfig b;
  b.xds.server = "127.0.0.1:15010";
  b.xds.node_id = "default/frontend";
  return b;
}

TEST(XdsTranslatorTest, SidecarResourcesBecomeTheInternalModel) {
  absl::StatusOr<config::ProxyConfig> c = TranslateXds(Sidecar(), Bootstrap());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->listeners.size(), 1u);
  const config::Listener& l = c->listeners[0];
  EXPECT_EQ(l.port, 15001);
  EXPECT_TRUE(l.original_dst);
  EXPECT_EQ(l.protocol, config::Protocol::kTcp);  // the default chain is a TcpProxy
  EXPECT_EQ(l.default_cluster, "PassthroughCluster");
  ASSERT_EQ(l.filter_chains.size(), 1u);
  const config::FilterChain& fc = l.filter_chains[0];
  EXPECT_EQ(fc.protocol, config::Protocol::kAuto);  // HCM with http_inspector
  EXPECT_EQ(fc.route_config, kBackend);
  EXPECT_EQ(fc.destination_port, 8080);
  ASSERT_EQ(fc.destination_prefixes.size(), 1u);
  EXPECT_EQ(fc.destination_prefixes[0].address, "10.96.0.7");
  EXPECT_EQ(fc.destination_prefixes[0].prefix_length, 32u);

  const config::Cluster* backend = c->FindCluster(kBackend);
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->type, config::Cluster::Type::kEds);
  EXPECT_EQ(backend->connect_timeout, absl::Seconds(2));
  ASSERT_EQ(backend->endpoints.size(), 1u);  // the UNHEALTHY one is left out
  EXPECT_EQ(backend->endpoints[0].address, "10.0.0.11");
  // No assignment yet: no endpoints, but a valid cluster.
  EXPECT_TRUE(c->FindCluster("outbound|8080||backend-v2.default.svc.cluster.local")
                  ->endpoints.empty());

  const config::RouteConfig* rc = c->FindRouteConfig(kBackend);
  ASSERT_NE(rc, nullptr);
  const config::Route& r = rc->virtual_hosts[0].routes[0];
  ASSERT_EQ(r.weighted_clusters.size(), 2u);
  EXPECT_EQ(r.weighted_clusters[0].weight, 90u);
  EXPECT_EQ(r.weighted_clusters[1].weight, 10u);
  EXPECT_EQ(r.timeout, absl::Seconds(3));
}

TEST(XdsTranslatorTest, RouteConfigNotYetReceivedRoutesNothingInsteadOfFailing) {
  XdsResources r = Sidecar();
  r.routes.clear();
  absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, Bootstrap());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_NE(c->FindRouteConfig(kBackend), nullptr);
  EXPECT_TRUE(c->FindRouteConfig(kBackend)->virtual_hosts.empty());
  EXPECT_EQ(ReferencedRouteConfigs(r), std::vector<std::string>({kBackend}));
  EXPECT_EQ(ReferencedAssignments(r),
            std::vector<std::string>(  // sorted
                {"outbound|8080||backend-v2.default.svc.cluster.local", kBackend}));
}

TEST(XdsTranslatorTest, EveryUnsupportedFieldIsReportedWithItsResourceAndPath) {
  XdsResources r = Sidecar();
  route_v3::Route* route = r.routes[kBackend].mutable_virtual_hosts(0)->add_routes();
  route->mutable_match()->set_path("/exact");
  route->mutable_route()->set_cluster(kBackend);
  r.listeners["outbound"].mutable_filter_chains(0)->mutable_filter_chain_match()->add_server_names(
      "x.example");
  cluster_v3::Cluster dns;
  dns.set_name("dns");
  dns.set_type(cluster_v3::Cluster::STRICT_DNS);
  r.clusters["dns"] = dns;
  absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, Bootstrap());
  ASSERT_FALSE(c.ok());
  const std::string msg(c.status().message());
  EXPECT_THAT(msg, HasSubstr("RouteConfiguration " + std::string(kBackend) +
                             ": virtual_hosts[0].routes[1]: match: only prefix"));
  EXPECT_THAT(msg, HasSubstr("Listener outbound: filter_chains[0]: filter_chain_match"));
  EXPECT_THAT(msg, HasSubstr("Cluster dns: type STRICT_DNS is not supported"));
}

TEST(XdsTranslatorTest, DynamicNamesMustNotShadowStaticOnes) {
  config::ProxyConfig b = Bootstrap();
  config::Cluster passthrough;
  passthrough.name = "PassthroughCluster";
  passthrough.type = config::Cluster::Type::kOriginalDst;
  b.clusters.push_back(passthrough);
  absl::StatusOr<config::ProxyConfig> c = TranslateXds(Sidecar(), b);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("cluster PassthroughCluster: defined both in the bootstrap file and by xDS"));
}

TEST(XdsTranslatorTest, ReferencesToUnknownClustersFailValidation) {
  XdsResources r = Sidecar();
  r.clusters.erase("PassthroughCluster");
  absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, Bootstrap());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("PassthroughCluster"));
}

}  // namespace
}  // namespace weft::xds
