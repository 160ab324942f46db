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
  route->mutable_route()->set_cluster_header("x-cluster");
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
                             ": virtual_hosts[0].routes[1]: route needs cluster or weighted_clusters"));
  EXPECT_THAT(msg, HasSubstr("Listener outbound: filter_chains[0]: filter_chain_match"));
  EXPECT_THAT(msg, HasSubstr("Cluster dns: type STRICT_DNS is not supported"));
}

// Every L7 feature of a RouteConfiguration reaches the model.
TEST(XdsTranslatorTest, L7RouteFeaturesBecomeTheModel) {
  XdsResources r = Sidecar();
  route_v3::VirtualHost* vh = r.routes[kBackend].mutable_virtual_hosts(0);
  vh->clear_routes();

  route_v3::Route* exact = vh->add_routes();
  exact->set_name("exact");
  exact->mutable_match()->set_path("/login");
  auto* method = exact->mutable_match()->add_headers();
  method->set_name(":method");
  method->mutable_string_match()->set_exact("POST");
  auto* env = exact->mutable_match()->add_headers();
  env->set_name("x-env");
  env->mutable_string_match()->mutable_safe_regex()->set_regex("canary|beta");
  exact->mutable_match()->add_headers()->set_name("x-debug");  // presence
  auto* q = exact->mutable_match()->add_query_parameters();
  q->set_name("v");
  q->mutable_string_match()->set_exact("2");
  exact->mutable_match()->add_query_parameters()->set_name("trace");
  auto* set = exact->add_request_headers_to_add();
  set->mutable_header()->set_key("x-set");
  set->mutable_header()->set_value("1");
  set->set_append_action(envoy::config::core::v3::HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
  auto* legacy = exact->add_response_headers_to_add();
  legacy->mutable_header()->set_key("x-legacy");
  legacy->mutable_append()->set_value(false);  // the deprecated flag: overwrite
  exact->add_request_headers_to_remove("x-drop");
  exact->add_response_headers_to_remove("server");
  route_v3::RouteAction* action = exact->mutable_route();
  action->set_cluster(kBackend);
  action->set_host_rewrite_literal("login.internal");
  action->set_prefix_rewrite("/v2/login");
  action->mutable_retry_policy()->mutable_per_try_timeout()->set_seconds(1);

  route_v3::Route* segments = vh->add_routes();
  segments->mutable_match()->set_path_separated_prefix("/api");
  segments->mutable_route()->set_cluster(kBackend);
  segments->mutable_route()->mutable_regex_rewrite()->mutable_pattern()->set_regex("^/.*$");
  segments->mutable_route()->mutable_regex_rewrite()->set_substitution("/everything");

  route_v3::Route* regex = vh->add_routes();
  regex->mutable_match()->mutable_safe_regex()->set_regex("/items/[0-9]+");
  auto* redirect = regex->mutable_redirect();
  redirect->set_https_redirect(true);
  redirect->set_host_redirect("new.example");
  redirect->set_port_redirect(8443);
  redirect->set_path_redirect("/n");
  redirect->set_strip_query(true);
  redirect->set_response_code(route_v3::RedirectAction::PERMANENT_REDIRECT);

  route_v3::Route* plain = vh->add_routes();
  plain->mutable_match()->set_prefix("/old");
  plain->mutable_direct_response()->set_status(410);
  plain->mutable_direct_response()->mutable_body()->set_inline_string("gone");

  route_v3::Route* root = vh->add_routes();
  root->mutable_match()->set_prefix("/");
  root->mutable_route()->set_cluster(kBackend);

  absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, Bootstrap());
  ASSERT_TRUE(c.ok()) << c.status();
  const std::vector<config::Route>& routes = c->FindRouteConfig(kBackend)->virtual_hosts[0].routes;
  ASSERT_EQ(routes.size(), 5u);
  const config::Route& e = routes[0];
  EXPECT_EQ(e.name, "exact");
  EXPECT_EQ(e.match.path_type, config::PathMatchType::kExact);
  EXPECT_EQ(e.match.path, "/login");
  EXPECT_EQ(e.match.method, "POST");
  ASSERT_EQ(e.match.headers.size(), 2u);
  EXPECT_EQ(e.match.headers[0].type, config::ValueMatchType::kRegex);
  EXPECT_EQ(e.match.headers[0].value, "canary|beta");
  EXPECT_EQ(e.match.headers[1].type, config::ValueMatchType::kPresent);
  ASSERT_EQ(e.match.query_params.size(), 2u);
  EXPECT_EQ(e.match.query_params[0].value, "2");
  EXPECT_EQ(e.match.query_params[1].type, config::ValueMatchType::kPresent);
  ASSERT_EQ(e.request_headers.add.size(), 1u);
  EXPECT_EQ(e.request_headers.add[0].action, config::HeaderToAdd::Action::kOverwrite);
  EXPECT_EQ(e.request_headers.remove, std::vector<std::string>{"x-drop"});
  ASSERT_EQ(e.response_headers.add.size(), 1u);
  EXPECT_EQ(e.response_headers.add[0].action, config::HeaderToAdd::Action::kOverwrite);
  EXPECT_EQ(e.response_headers.remove, std::vector<std::string>{"server"});
  EXPECT_EQ(e.host_rewrite, "login.internal");
  EXPECT_EQ(e.prefix_rewrite, "/v2/login");
  EXPECT_EQ(e.per_try_timeout, absl::Seconds(1));
  EXPECT_EQ(e.timeout, absl::Seconds(15));  // Envoy's default

  EXPECT_EQ(routes[1].match.path_type, config::PathMatchType::kPrefix);
  EXPECT_EQ(routes[1].match.path_prefix, "/api");
  EXPECT_EQ(routes[1].path_rewrite, "/everything");

  EXPECT_EQ(routes[2].match.path_type, config::PathMatchType::kRegex);
  ASSERT_TRUE(routes[2].redirect.has_value());
  EXPECT_EQ(routes[2].redirect->scheme, "https");
  EXPECT_EQ(routes[2].redirect->host, "new.example");
  EXPECT_EQ(routes[2].redirect->port, 8443);
  EXPECT_EQ(routes[2].redirect->path, "/n");
  EXPECT_TRUE(routes[2].redirect->strip_query);
  EXPECT_EQ(routes[2].redirect->status, 308);

  // Envoy's "prefix" is a plain string prefix...
  EXPECT_EQ(routes[3].match.path_type, config::PathMatchType::kStringPrefix);
  ASSERT_TRUE(routes[3].direct_response.has_value());
  EXPECT_EQ(routes[3].direct_response->status, 410);
  EXPECT_EQ(routes[3].direct_response->body, "gone");
  // ...the same as a segment prefix when it ends with "/".
  EXPECT_EQ(routes[4].match.path_type, config::PathMatchType::kPrefix);
}

TEST(XdsTranslatorTest, UnsupportedRouteFieldsAreNackedWithTheirPath) {
  XdsResources r = Sidecar();
  route_v3::VirtualHost* vh = r.routes[kBackend].mutable_virtual_hosts(0);
  route_v3::Route* route = vh->mutable_routes(0);
  auto* suffix = route->mutable_match()->add_headers();
  suffix->set_name("x-a");
  suffix->mutable_string_match()->set_suffix(".com");
  auto* inverted = route->mutable_match()->add_headers();
  inverted->set_name("x-b");
  inverted->set_invert_match(true);
  route->mutable_match()->mutable_case_sensitive()->set_value(false);
  route->mutable_route()->mutable_regex_rewrite()->mutable_pattern()->set_regex("^/a/(.*)$");
  route->mutable_route()->mutable_regex_rewrite()->set_substitution("/\\1");
  route->mutable_route()->mutable_auto_host_rewrite()->set_value(true);
  vh->add_request_headers_to_add()->mutable_header()->set_key("x-vh");
  route_v3::Route* bad_regex = vh->add_routes();
  bad_regex->mutable_match()->mutable_safe_regex()->set_regex("(");
  bad_regex->mutable_route()->set_cluster(kBackend);

  absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, Bootstrap());
  ASSERT_FALSE(c.ok());
  const std::string msg(c.status().message());
  const std::string rc = "RouteConfiguration " + std::string(kBackend);
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0].routes[0]: match.case_sensitive false"));
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0].routes[0]: match.headers[0]: string_match: "
                                  "only exact and safe_regex"));
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0].routes[0]: match.headers[1]: invert_match"));
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0].routes[0]: regex_rewrite: only a whole-path"));
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0].routes[0]: only host_rewrite_literal"));
  EXPECT_THAT(msg, HasSubstr(rc + ": virtual_hosts[0]: virtual-host-level header changes"));

  // A regex that does not compile is found by the model's validator.
  const route_v3::Route bad_regex_copy = *bad_regex;
  r = Sidecar();
  *r.routes[kBackend].mutable_virtual_hosts(0)->add_routes() = bad_regex_copy;
  c = TranslateXds(r, Bootstrap());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("virtual_hosts[0].routes[1].match.regex: \"(\" is not a valid RE2"));
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
