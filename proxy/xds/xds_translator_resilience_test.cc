// xDS resilience settings into the model, and NACKs of what Weft does not support.

#include <string>

#include "absl/time/time.h"
#include "envoy/extensions/filters/http/fault/v3/fault.pb.h"
#include "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.pb.h"
#include "envoy/extensions/upstreams/http/v3/http_protocol_options.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/xds/xds_translator.h"

namespace weft::xds {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace cluster_v3 = envoy::config::cluster::v3;
namespace route_v3 = envoy::config::route::v3;
using HttpProtocolOptions = envoy::extensions::upstreams::http::v3::HttpProtocolOptions;
using LocalRateLimit = envoy::extensions::filters::http::local_ratelimit::v3::LocalRateLimit;
using HTTPFault = envoy::extensions::filters::http::fault::v3::HTTPFault;

cluster_v3::Cluster StaticCluster(const std::string& name) {
  cluster_v3::Cluster c;
  c.set_name(name);
  c.set_type(cluster_v3::Cluster::STATIC);
  auto* sa = c.mutable_load_assignment()
                 ->add_endpoints()
                 ->add_lb_endpoints()
                 ->mutable_endpoint()
                 ->mutable_address()
                 ->mutable_socket_address();
  sa->set_address("10.0.0.1");
  sa->set_port_value(80);
  return c;
}

void SetHttpProtocol(cluster_v3::Cluster& c, bool http2) {
  HttpProtocolOptions options;
  if (http2) {
    options.mutable_explicit_http_config()->mutable_http2_protocol_options();
  } else {
    options.mutable_use_downstream_protocol_config();
  }
  (*c.mutable_typed_extension_protocol_options())[
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].PackFrom(options);
}

absl::StatusOr<config::ProxyConfig> Translate(const cluster_v3::Cluster& c) {
  XdsResources r;
  r.clusters[c.name()] = c;
  return TranslateXds(r, config::ProxyConfig{});
}

TEST(XdsResilienceTest, ClusterSettings) {
  cluster_v3::Cluster c = StaticCluster("c");
  c.set_lb_policy(cluster_v3::Cluster::MAGLEV);
  c.mutable_maglev_lb_config()->mutable_table_size()->set_value(251);
  c.mutable_common_lb_config()->mutable_healthy_panic_threshold()->set_value(25);
  c.mutable_common_lb_config()->mutable_zone_aware_lb_config();
  auto* t = c.mutable_circuit_breakers()->add_thresholds();
  t->mutable_max_connections()->set_value(10);
  t->mutable_max_pending_requests()->set_value(20);
  t->mutable_max_requests()->set_value(30);
  t->mutable_max_retries()->set_value(4);
  t->mutable_retry_budget()->mutable_budget_percent()->set_value(25);
  auto* high = c.mutable_circuit_breakers()->add_thresholds();
  high->set_priority(envoy::config::core::v3::HIGH);
  high->mutable_max_connections()->set_value(99);
  auto* od = c.mutable_outlier_detection();
  od->mutable_consecutive_5xx()->set_value(3);
  od->mutable_consecutive_gateway_failure()->set_value(2);
  od->mutable_enforcing_consecutive_gateway_failure()->set_value(100);
  od->mutable_enforcing_success_rate()->set_value(0);
  od->mutable_interval()->set_seconds(1);
  od->mutable_base_ejection_time()->set_seconds(10);
  od->mutable_max_ejection_time()->set_seconds(100);
  od->mutable_max_ejection_percent()->set_value(50);
  auto* hc = c.add_health_checks();
  hc->mutable_timeout()->set_nanos(500'000'000);
  hc->mutable_interval()->set_seconds(2);
  hc->mutable_healthy_threshold()->set_value(1);
  hc->mutable_unhealthy_threshold()->set_value(2);
  hc->mutable_http_health_check()->set_path("/healthz");
  SetHttpProtocol(c, /*http2=*/true);

  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_TRUE(config.ok()) << config.status();
  const config::Cluster& out = config->clusters[0];
  EXPECT_EQ(out.load_balancing.policy, config::LoadBalancing::Policy::kMaglev);
  EXPECT_EQ(out.load_balancing.maglev_table_size, 251u);
  EXPECT_EQ(out.load_balancing.panic_threshold_percent, 25u);
  EXPECT_EQ(out.load_balancing.locality_min_healthy_percent, 70u);
  EXPECT_EQ(out.circuit_breakers.max_connections, 10u);
  EXPECT_EQ(out.circuit_breakers.max_pending_requests, 20u);
  EXPECT_EQ(out.circuit_breakers.max_requests, 30u);
  EXPECT_EQ(out.circuit_breakers.max_retries, 4u);
  EXPECT_DOUBLE_EQ(out.circuit_breakers.retry_budget_percent, 25);
  EXPECT_EQ(out.circuit_breakers.retry_budget_min_concurrency, 3u);
  EXPECT_TRUE(out.outlier_detection.enabled);
  EXPECT_EQ(out.outlier_detection.consecutive_5xx, 3u);
  EXPECT_EQ(out.outlier_detection.consecutive_gateway_errors, 2u);
  EXPECT_FALSE(out.outlier_detection.success_rate);
  EXPECT_EQ(out.outlier_detection.interval, absl::Seconds(1));
  EXPECT_EQ(out.outlier_detection.base_ejection_time, absl::Seconds(10));
  EXPECT_EQ(out.outlier_detection.max_ejection_time, absl::Seconds(100));
  EXPECT_EQ(out.outlier_detection.max_ejection_percent, 50u);
  EXPECT_TRUE(out.health_check.enabled);
  EXPECT_EQ(out.health_check.http_path, "/healthz");
  EXPECT_EQ(out.health_check.timeout, absl::Milliseconds(500));
  EXPECT_EQ(out.health_check.interval, absl::Seconds(2));
  EXPECT_EQ(out.health_check.healthy_threshold, 1u);
  EXPECT_EQ(out.health_check.unhealthy_threshold, 2u);
  EXPECT_EQ(out.http_protocol, config::Cluster::HttpProtocol::kHttp2);
}

TEST(XdsResilienceTest, EnvoyDefaultsForOutlierDetection) {
  cluster_v3::Cluster c = StaticCluster("c");
  c.mutable_outlier_detection();
  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_TRUE(config.ok()) << config.status();
  const config::OutlierDetection& od = config->clusters[0].outlier_detection;
  EXPECT_TRUE(od.enabled);
  EXPECT_EQ(od.consecutive_5xx, 5u);
  EXPECT_EQ(od.consecutive_gateway_errors, 0u);  // enforcing defaults to 0
  EXPECT_TRUE(od.success_rate);
}

TEST(XdsResilienceTest, ProtocolSelection) {
  cluster_v3::Cluster c = StaticCluster("c");
  EXPECT_EQ(Translate(c)->clusters[0].http_protocol,
            config::Cluster::HttpProtocol::kUseDownstream);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  c.mutable_http2_protocol_options();  // deprecated field 14
#pragma GCC diagnostic pop
  EXPECT_EQ(Translate(c)->clusters[0].http_protocol, config::Cluster::HttpProtocol::kHttp2);
  SetHttpProtocol(c, /*http2=*/false);  // the extension wins
  EXPECT_EQ(Translate(c)->clusters[0].http_protocol,
            config::Cluster::HttpProtocol::kUseDownstream);
  HttpProtocolOptions h1;
  h1.mutable_explicit_http_config()->mutable_http_protocol_options();
  (*c.mutable_typed_extension_protocol_options())[
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].PackFrom(h1);
  EXPECT_EQ(Translate(c)->clusters[0].http_protocol, config::Cluster::HttpProtocol::kHttp1);
}

TEST(XdsResilienceTest, PeakEwmaFromWeftMetadata) {
  cluster_v3::Cluster c = StaticCluster("c");
  c.set_lb_policy(cluster_v3::Cluster::LEAST_REQUEST);
  auto& weft = (*c.mutable_metadata()->mutable_filter_metadata())["weft"];
  (*weft.mutable_fields())["lb_policy"].set_string_value("peak_ewma");
  (*weft.mutable_fields())["ewma_decay"].set_string_value("3s");
  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->clusters[0].load_balancing.policy, config::LoadBalancing::Policy::kPeakEwma);
  EXPECT_EQ(config->clusters[0].load_balancing.ewma_decay, absl::Seconds(3));
}

TEST(XdsResilienceTest, OriginalDstClustersMayBeClusterProvided) {
  cluster_v3::Cluster c = StaticCluster("passthrough");
  c.set_type(cluster_v3::Cluster::ORIGINAL_DST);
  c.clear_load_assignment();
  c.set_lb_policy(cluster_v3::Cluster::CLUSTER_PROVIDED);
  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->clusters[0].type, config::Cluster::Type::kOriginalDst);
}

TEST(XdsResilienceTest, NacksUnsupportedClusterSettingsAllAtOnce) {
  cluster_v3::Cluster c = StaticCluster("c");
  c.set_lb_policy(cluster_v3::Cluster::CLUSTER_PROVIDED);
  c.mutable_ring_hash_lb_config()->set_hash_function(
      cluster_v3::Cluster::RingHashLbConfig::MURMUR_HASH_2);
  c.mutable_circuit_breakers()->add_per_host_thresholds();
  c.mutable_outlier_detection()->mutable_enforcing_failure_percentage()->set_value(100);
  c.add_health_checks()->mutable_grpc_health_check();
  HttpProtocolOptions autoconf;
  autoconf.mutable_auto_config();
  (*c.mutable_typed_extension_protocol_options())[
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].PackFrom(autoconf);
  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_FALSE(config.ok());
  const std::string m(config.status().message());
  EXPECT_THAT(m, HasSubstr("Cluster c: lb_policy CLUSTER_PROVIDED is not supported"));
  EXPECT_THAT(m, HasSubstr("Cluster c: ring_hash_lb_config.hash_function: only XX_HASH"));
  EXPECT_THAT(m, HasSubstr("Cluster c: circuit_breakers.per_host_thresholds is not supported"));
  EXPECT_THAT(m, HasSubstr("failure-percentage ejection is not supported"));
  EXPECT_THAT(m, HasSubstr("Cluster c: health_checks[0]: only http_health_check and "
                           "tcp_health_check"));
  EXPECT_THAT(m, HasSubstr("auto_config (ALPN) is not supported"));
}

TEST(XdsResilienceTest, ModelValidationAppliesToXds) {
  cluster_v3::Cluster c = StaticCluster("c");
  c.set_lb_policy(cluster_v3::Cluster::MAGLEV);
  c.mutable_maglev_lb_config()->mutable_table_size()->set_value(1000);
  absl::StatusOr<config::ProxyConfig> config = Translate(c);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("clusters[0].load_balancing.maglev_table_size: 1000 is not a prime"));
}

// A route config with one route to cluster "c", plus that cluster.
XdsResources WithRoute(const route_v3::Route& route) {
  XdsResources r;
  r.clusters["c"] = StaticCluster("c");
  route_v3::RouteConfiguration rc;
  rc.set_name("rc");
  auto* vh = rc.add_virtual_hosts();
  vh->set_name("vh");
  vh->add_domains("*");
  *vh->add_routes() = route;
  r.routes["rc"] = rc;
  return r;
}

route_v3::Route BaseRoute() {
  route_v3::Route route;
  route.mutable_match()->set_prefix("/");
  route.mutable_route()->set_cluster("c");
  return route;
}

void PutFilterConfig(route_v3::Route& route, const std::string& key,
                     const google::protobuf::Message& m) {
  (*route.mutable_typed_per_filter_config())[key].PackFrom(m);
}

LocalRateLimit Limiter(uint32_t max_tokens) {
  LocalRateLimit limit;
  limit.set_stat_prefix("rl");
  limit.mutable_token_bucket()->set_max_tokens(max_tokens);
  limit.mutable_token_bucket()->mutable_tokens_per_fill()->set_value(5);
  limit.mutable_token_bucket()->mutable_fill_interval()->set_seconds(1);
  for (auto* f : {limit.mutable_filter_enabled(), limit.mutable_filter_enforced()}) {
    f->mutable_default_value()->set_numerator(100);
  }
  return limit;
}

TEST(XdsResilienceTest, RouteSettings) {
  route_v3::Route route = BaseRoute();
  auto* rp = route.mutable_route()->mutable_retry_policy();
  rp->set_retry_on("5xx, connect-failure,retriable-status-codes");
  rp->mutable_num_retries()->set_value(3);
  rp->mutable_per_try_timeout()->set_seconds(2);
  rp->add_retriable_status_codes(409);
  rp->mutable_retry_back_off()->mutable_base_interval()->set_nanos(10'000'000);
  route.mutable_route()->add_hash_policy()->mutable_header()->set_header_name("x-user");
  route.mutable_route()->add_hash_policy()->mutable_cookie()->set_name("session");
  route.mutable_route()->add_hash_policy()->mutable_connection_properties()->set_source_ip(true);
  PutFilterConfig(route, "envoy.filters.http.local_ratelimit", Limiter(100));
  HTTPFault fault;
  fault.mutable_delay()->mutable_fixed_delay()->set_nanos(250'000'000);
  fault.mutable_delay()->mutable_percentage()->set_numerator(125000);
  fault.mutable_delay()->mutable_percentage()->set_denominator(
      envoy::type::v3::FractionalPercent::MILLION);
  fault.mutable_abort()->set_grpc_status(14);
  fault.mutable_abort()->mutable_percentage()->set_numerator(1);
  PutFilterConfig(route, "envoy.filters.http.fault", fault);
  auto& weft = (*route.mutable_metadata()->mutable_filter_metadata())["weft"];
  (*weft.mutable_fields())["rate_limit_per_source"].set_bool_value(true);

  absl::StatusOr<config::ProxyConfig> config = TranslateXds(WithRoute(route), {});
  ASSERT_TRUE(config.ok()) << config.status();
  const config::Route& out = config->FindRouteConfig("rc")->virtual_hosts[0].routes[0];
  EXPECT_EQ(out.retry.num_retries, 3u);
  EXPECT_THAT(out.retry.retry_on, ElementsAre("5xx", "connect-failure", "retriable-status-codes"));
  EXPECT_THAT(out.retry.retriable_status_codes, ElementsAre(409u));
  EXPECT_EQ(out.per_try_timeout, absl::Seconds(2));
  EXPECT_EQ(out.retry.backoff_base, absl::Milliseconds(10));
  EXPECT_EQ(out.retry.backoff_max, absl::Milliseconds(100));
  ASSERT_EQ(out.hash_policy.size(), 3u);
  EXPECT_EQ(out.hash_policy[0].kind, config::HashPolicy::Kind::kHeader);
  EXPECT_EQ(out.hash_policy[0].name, "x-user");
  EXPECT_EQ(out.hash_policy[1].kind, config::HashPolicy::Kind::kCookie);
  EXPECT_EQ(out.hash_policy[2].kind, config::HashPolicy::Kind::kSourceIp);
  EXPECT_EQ(out.rate_limit.max_tokens, 100u);
  EXPECT_EQ(out.rate_limit.tokens_per_fill, 5u);
  EXPECT_EQ(out.rate_limit.fill_interval, absl::Seconds(1));
  EXPECT_TRUE(out.rate_limit.per_source);
  EXPECT_DOUBLE_EQ(out.fault.delay_percent, 12.5);
  EXPECT_EQ(out.fault.delay, absl::Milliseconds(250));
  EXPECT_DOUBLE_EQ(out.fault.abort_percent, 1);
  EXPECT_EQ(out.fault.abort_grpc_status, 14);
}

TEST(XdsResilienceTest, RetryDefaultsFollowEnvoy) {
  route_v3::Route route = BaseRoute();
  route.mutable_route()->mutable_retry_policy()->set_retry_on("reset");
  absl::StatusOr<config::ProxyConfig> config = TranslateXds(WithRoute(route), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->FindRouteConfig("rc")->virtual_hosts[0].routes[0].retry.num_retries, 1u);
  // No retry_on: nothing is retried.
  route.mutable_route()->mutable_retry_policy()->set_retry_on("");
  config = TranslateXds(WithRoute(route), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->FindRouteConfig("rc")->virtual_hosts[0].routes[0].retry.num_retries, 0u);
}

TEST(XdsResilienceTest, RateLimitDisabledByDefaultAsInEnvoy) {
  route_v3::Route route = BaseRoute();
  LocalRateLimit limit = Limiter(10);
  limit.clear_filter_enabled();
  limit.clear_filter_enforced();
  PutFilterConfig(route, "envoy.filters.http.local_ratelimit", limit);
  absl::StatusOr<config::ProxyConfig> config = TranslateXds(WithRoute(route), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->FindRouteConfig("rc")->virtual_hosts[0].routes[0].rate_limit.max_tokens, 0u);
}

TEST(XdsResilienceTest, NacksUnsupportedRouteSettingsAllAtOnce) {
  route_v3::Route route = BaseRoute();
  route.mutable_route()->add_hash_policy()->mutable_query_parameter()->set_name("q");
  LocalRateLimit limit = Limiter(10);
  limit.mutable_filter_enforced()->mutable_default_value()->set_numerator(50);
  limit.set_local_rate_limit_per_downstream_connection(true);
  PutFilterConfig(route, "envoy.filters.http.local_ratelimit", limit);
  HTTPFault fault;
  fault.mutable_abort()->mutable_percentage()->set_numerator(5);
  fault.set_upstream_cluster("x");
  PutFilterConfig(route, "envoy.filters.http.fault", fault);
  PutFilterConfig(route, "envoy.filters.http.other", route_v3::NonForwardingAction());
  absl::StatusOr<config::ProxyConfig> config = TranslateXds(WithRoute(route), {});
  ASSERT_FALSE(config.ok());
  const std::string m(config.status().message());
  EXPECT_THAT(m, HasSubstr("RouteConfiguration rc: virtual_hosts[0].routes[0]: hash_policy[0]: "
                           "only header, cookie"));
  EXPECT_THAT(m, HasSubstr("typed_per_filter_config[\"envoy.filters.http.local_ratelimit\"]."
                           "filter_enforced: only 0% or 100% is supported"));
  EXPECT_THAT(m, HasSubstr("local_rate_limit_per_downstream_connection is not supported"));
  EXPECT_THAT(m, HasSubstr("upstream_cluster, downstream_nodes and max_active_faults"));
  EXPECT_THAT(m, HasSubstr("abort: needs http_status or grpc_status"));
  EXPECT_THAT(m, HasSubstr("typed_per_filter_config[\"envoy.filters.http.other\"]: unsupported "
                           "filter config"));
}

TEST(XdsResilienceTest, OptionalUnknownFilterConfigIsIgnored) {
  route_v3::Route route = BaseRoute();
  route_v3::FilterConfig wrapper;
  wrapper.mutable_config()->PackFrom(route_v3::NonForwardingAction());
  wrapper.set_is_optional(true);
  PutFilterConfig(route, "envoy.filters.http.other", wrapper);
  absl::StatusOr<config::ProxyConfig> config = TranslateXds(WithRoute(route), {});
  EXPECT_TRUE(config.ok()) << config.status();
}

}  // namespace
}  // namespace weft::xds
