// The conformance checker must catch what gRPC 1.51 would NACK: it is only worth
// something if it fails on bad resources.

#include "control-plane/translate/proxyless_conformance.h"

#include <string>
#include <vector>

#include "control-plane/translate/names.h"
#include "control-plane/translate/resource_map.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/http/router/v3/router.pb.h"
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

HttpConnectionManager GoodHcm() {
  HttpConnectionManager hcm;
  hcm.mutable_rds()->mutable_config_source()->mutable_ads();
  hcm.mutable_rds()->set_route_config_name("rc");
  auto* router = hcm.add_http_filters();
  router->set_name("envoy.filters.http.router");
  *router->mutable_typed_config() =
      PackDeterministic(envoy::extensions::filters::http::router::v3::Router());
  return hcm;
}

Listener ApiListener(const HttpConnectionManager& hcm) {
  Listener listener;
  listener.set_name("l");
  *listener.mutable_api_listener()->mutable_api_listener() = PackDeterministic(hcm);
  return listener;
}

TEST(ProxylessConformanceTest, ListenerRules) {
  ResourceMap good;
  AddResource(good, "l", ApiListener(GoodHcm()));
  EXPECT_THAT(CheckProxylessConformance(good), IsEmpty());

  HttpConnectionManager router_first = GoodHcm();
  auto* other = router_first.add_http_filters();
  other->set_name("envoy.filters.http.fault");
  other->mutable_typed_config()->set_type_url("type.googleapis.com/x.Fault");
  ResourceMap bad;
  AddResource(bad, "l", ApiListener(router_first));
  std::vector<std::string> problems = CheckProxylessConformance(bad);
  EXPECT_THAT(problems, testing::Contains(HasSubstr("last HTTP filter is not the router")));
  EXPECT_THAT(problems, testing::Contains(HasSubstr("router must be the last filter")));

  HttpConnectionManager path_source = GoodHcm();
  path_source.mutable_rds()->mutable_config_source()->set_path("/etc/rds.yaml");
  ResourceMap bad_source;
  AddResource(bad_source, "l", ApiListener(path_source));
  EXPECT_THAT(CheckProxylessConformance(bad_source),
              ElementsAre("LDS l: ConfigSource is not ads or self"));

  Listener no_api;
  no_api.set_name("l");
  ResourceMap socket;
  AddResource(socket, "l", no_api);
  EXPECT_THAT(CheckProxylessConformance(socket),
              ElementsAre("LDS l: Listener has neither address nor ApiListener"));
}

TEST(ProxylessConformanceTest, RouteRules) {
  RouteConfiguration config;
  config.set_name("rc");
  auto* host = config.add_virtual_hosts();
  auto* split = host->add_routes();
  split->set_name("split");
  split->mutable_match()->set_prefix("/");
  auto* weighted = split->mutable_route()->mutable_weighted_clusters();
  auto* a = weighted->add_clusters();
  a->set_name("a");
  a->mutable_weight()->set_value(90);
  auto* b = weighted->add_clusters();
  b->set_name("b");
  b->mutable_weight()->set_value(20);  // sums to 110, total_weight unset (100)
  split->mutable_route()->mutable_retry_policy()->mutable_num_retries()->set_value(0);
  auto* regex = host->add_routes();
  regex->set_name("regex");
  regex->mutable_match()->mutable_safe_regex()->set_regex("(unclosed");
  regex->mutable_route()->set_cluster("a");
  auto* redirect = host->add_routes();
  redirect->set_name("redirect");
  redirect->mutable_match()->set_prefix("/");
  redirect->mutable_redirect()->set_path_redirect("/x");
  ResourceMap resources;
  AddResource(resources, "rc", config);
  EXPECT_THAT(CheckProxylessConformance(resources),
              UnorderedElementsAre(
                  "RDS rc: VirtualHost has no domains",
                  "RDS rc route split: weighted_cluster has incorrect total weight: 110 != 100",
                  "RDS rc route split: num_retries set to invalid value 0",
                  "RDS rc route regex: invalid RE2 \"(unclosed\"",
                  "RDS rc route redirect: Matching route has unsupported action"));
}

TEST(ProxylessConformanceTest, ClusterAndEndpointRules) {
  Cluster cluster;
  cluster.set_name("c");
  cluster.set_type(Cluster::ORIGINAL_DST);
  cluster.set_lb_policy(Cluster::LEAST_REQUEST);
  ClusterLoadAssignment cla;
  cla.set_cluster_name("c");
  auto* group = cla.add_endpoints();  // no locality weight
  group->set_priority(1);             // priorities must start at 0
  for (int i = 0; i < 2; ++i) {
    auto* address = group->add_lb_endpoints()->mutable_endpoint()->mutable_address();
    address->mutable_socket_address()->set_address("backend.local");
    address->mutable_socket_address()->set_port_value(80);
  }
  ResourceMap resources;
  AddResource(resources, "c", cluster);
  AddResource(resources, "c", cla);
  EXPECT_THAT(CheckProxylessConformance(resources),
              UnorderedElementsAre("CDS c: unknown discovery type",
                                   "CDS c: LB policy is not supported: LEAST_REQUEST",
                                   "EDS c: locality without load_balancing_weight is ignored",
                                   "EDS c: Could not parse endpoint address backend.local:80",
                                   "EDS c: Could not parse endpoint address backend.local:80",
                                   "EDS c: duplicate endpoint address backend.local",
                                   "EDS c: priorities have a gap"));
}

TEST(ProxylessConformanceTest, References) {
  ResourceMap resources;
  AddResource(resources, "l", ApiListener(GoodHcm()));  // names RDS "rc", absent
  Cluster cluster;
  cluster.set_name("c");
  cluster.set_type(Cluster::EDS);
  cluster.mutable_eds_cluster_config()->mutable_eds_config()->mutable_ads();
  AddResource(resources, "c", cluster);  // no assignment "c"
  EXPECT_THAT(CheckReferences(resources),
              UnorderedElementsAre("LDS l: missing RouteConfiguration rc",
                                   "CDS c: missing ClusterLoadAssignment c"));
}

}  // namespace
}  // namespace weft::control_plane
