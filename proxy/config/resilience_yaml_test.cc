// The bootstrap file's resilience keys: what they read into, and that every
// problem (type errors from the reader, range errors from the validator) is
// reported at once with its field path and line.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/bootstrap_loader.h"
#include "proxy/config/config_json.h"
#include "proxy/config/model.h"

namespace weft::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFull[] = R"(
listeners:
  - name: l
    port: 15001
    protocol: http
    route_config: r
route_configs:
  - name: r
    virtual_hosts:
      - name: v
        domains: ["*"]
        routes:
          - match: {prefix: /}
            cluster: c
            per_try_timeout: 2s
            retry:
              num_retries: 3
              retry_on: [5xx, connect-failure, retriable-status-codes, unavailable]
              retriable_status_codes: [409]
              backoff_base: 10ms
              backoff_max: 1s
              max_replay_bytes: 4096
              retry_non_idempotent: true
            hash_policy:
              - header: x-user
              - cookie: session
              - source_ip: true
            rate_limit: {max_tokens: 100, tokens_per_fill: 10, fill_interval: 100ms, per_source: true}
            fault: {delay_percent: 12.5, delay: 250ms, abort_percent: 1, abort_grpc_status: 14}
clusters:
  - name: c
    endpoints: [{address: 10.0.0.1, port: 80}]
    http_protocol: http2
    load_balancing:
      policy: maglev
      maglev_table_size: 251
      ring_hash_min_size: 64
      ewma_decay: 5s
      panic_threshold_percent: 0
      locality_min_healthy_percent: 70
    circuit_breakers:
      max_connections: 10
      max_pending_requests: 20
      max_requests: 30
      max_retries: 4
      retry_budget_percent: 20
      retry_budget_min_concurrency: 2
    outlier_detection:
      consecutive_5xx: 3
      consecutive_gateway_errors: 2
      interval: 1s
      base_ejection_time: 10s
      max_ejection_time: 100s
      max_ejection_percent: 50
      success_rate: true
      success_rate_minimum_hosts: 3
      success_rate_request_volume: 20
      success_rate_stdev_factor: 1.5
    health_check:
      http_path: /healthz
      interval: 2s
      timeout: 500ms
      healthy_threshold: 1
      unhealthy_threshold: 2
)";

TEST(ResilienceYamlTest, ReadsEveryKey) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kFull, "full.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const Cluster& c = config->clusters[0];
  EXPECT_EQ(c.http_protocol, Cluster::HttpProtocol::kHttp2);
  EXPECT_EQ(c.load_balancing.policy, LoadBalancing::Policy::kMaglev);
  EXPECT_EQ(c.load_balancing.maglev_table_size, 251u);
  EXPECT_EQ(c.load_balancing.ring_hash_min_size, 64u);
  EXPECT_EQ(c.load_balancing.ewma_decay, absl::Seconds(5));
  EXPECT_EQ(c.load_balancing.panic_threshold_percent, 0u);
  EXPECT_EQ(c.load_balancing.locality_min_healthy_percent, 70u);
  EXPECT_EQ(c.circuit_breakers.max_connections, 10u);
  EXPECT_EQ(c.circuit_breakers.max_pending_requests, 20u);
  EXPECT_EQ(c.circuit_breakers.max_requests, 30u);
  EXPECT_EQ(c.circuit_breakers.max_retries, 4u);
  EXPECT_DOUBLE_EQ(c.circuit_breakers.retry_budget_percent, 20);
  EXPECT_EQ(c.circuit_breakers.retry_budget_min_concurrency, 2u);
  EXPECT_TRUE(c.outlier_detection.enabled);
  EXPECT_EQ(c.outlier_detection.consecutive_5xx, 3u);
  EXPECT_EQ(c.outlier_detection.consecutive_gateway_errors, 2u);
  EXPECT_EQ(c.outlier_detection.interval, absl::Seconds(1));
  EXPECT_EQ(c.outlier_detection.base_ejection_time, absl::Seconds(10));
  EXPECT_EQ(c.outlier_detection.max_ejection_time, absl::Seconds(100));
  EXPECT_EQ(c.outlier_detection.max_ejection_percent, 50u);
  EXPECT_TRUE(c.outlier_detection.success_rate);
  EXPECT_EQ(c.outlier_detection.success_rate_minimum_hosts, 3u);
  EXPECT_EQ(c.outlier_detection.success_rate_request_volume, 20u);
  EXPECT_DOUBLE_EQ(c.outlier_detection.success_rate_stdev_factor, 1.5);
  EXPECT_TRUE(c.health_check.enabled);
  EXPECT_EQ(c.health_check.http_path, "/healthz");
  EXPECT_EQ(c.health_check.interval, absl::Seconds(2));
  EXPECT_EQ(c.health_check.timeout, absl::Milliseconds(500));
  EXPECT_EQ(c.health_check.healthy_threshold, 1u);
  EXPECT_EQ(c.health_check.unhealthy_threshold, 2u);

  const Route& r = config->route_configs[0].virtual_hosts[0].routes[0];
  EXPECT_EQ(r.per_try_timeout, absl::Seconds(2));
  EXPECT_EQ(r.retry.num_retries, 3u);
  EXPECT_THAT(r.retry.retry_on,
              ElementsAre("5xx", "connect-failure", "retriable-status-codes", "unavailable"));
  EXPECT_THAT(r.retry.retriable_status_codes, ElementsAre(409u));
  EXPECT_EQ(r.retry.backoff_base, absl::Milliseconds(10));
  EXPECT_EQ(r.retry.backoff_max, absl::Seconds(1));
  EXPECT_EQ(r.retry.max_replay_bytes, 4096u);
  EXPECT_TRUE(r.retry.retry_non_idempotent);
  ASSERT_EQ(r.hash_policy.size(), 3u);
  EXPECT_EQ(r.hash_policy[0].kind, HashPolicy::Kind::kHeader);
  EXPECT_EQ(r.hash_policy[0].name, "x-user");
  EXPECT_EQ(r.hash_policy[1].kind, HashPolicy::Kind::kCookie);
  EXPECT_EQ(r.hash_policy[1].name, "session");
  EXPECT_EQ(r.hash_policy[2].kind, HashPolicy::Kind::kSourceIp);
  EXPECT_EQ(r.rate_limit.max_tokens, 100u);
  EXPECT_EQ(r.rate_limit.tokens_per_fill, 10u);
  EXPECT_EQ(r.rate_limit.fill_interval, absl::Milliseconds(100));
  EXPECT_TRUE(r.rate_limit.per_source);
  EXPECT_DOUBLE_EQ(r.fault.delay_percent, 12.5);
  EXPECT_EQ(r.fault.delay, absl::Milliseconds(250));
  EXPECT_DOUBLE_EQ(r.fault.abort_percent, 1);
  EXPECT_EQ(r.fault.abort_grpc_status, 14);
  EXPECT_EQ(r.fault.abort_http_status, 0);
}

TEST(ResilienceYamlTest, DefaultsWhenAbsent) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(R"(
listeners: [{name: l, port: 15001, default_cluster: c}]
clusters: [{name: c, endpoints: [{address: 10.0.0.1, port: 80}]}]
)",
                                                          "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const Cluster& c = config->clusters[0];
  EXPECT_EQ(c.http_protocol, Cluster::HttpProtocol::kUseDownstream);
  EXPECT_EQ(c.load_balancing.policy, LoadBalancing::Policy::kRoundRobin);
  EXPECT_FALSE(c.outlier_detection.enabled);
  EXPECT_FALSE(c.health_check.enabled);
}

TEST(ResilienceYamlTest, EnabledFalseKeepsSettingsOff) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(R"(
listeners: [{name: l, port: 15001, default_cluster: c}]
clusters:
  - name: c
    endpoints: [{address: 10.0.0.1, port: 80}]
    outlier_detection: {enabled: false, consecutive_5xx: 0}
    health_check: {enabled: false}
)",
                                                          "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->clusters[0].outlier_detection.enabled);
  EXPECT_FALSE(config->clusters[0].health_check.enabled);
}

TEST(ResilienceYamlTest, ReportsEveryProblemWithPathAndLine) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(R"(
listeners: [{name: l, port: 15001, default_cluster: c}]
route_configs:
  - name: r
    virtual_hosts:
      - name: v
        domains: ["*"]
        routes:
          - cluster: c
            retry: {num_retries: 2, retry_on: [5xx, sometimes], backoff_base: 1s, backoff_max: 10ms}
            hash_policy: [{header: a, cookie: b}, {}]
            rate_limit: {max_tokens: 5, tokens_per_fill: 0}
            fault: {abort_percent: 150, abort_http_status: 503, abort_grpc_status: 14}
clusters:
  - name: c
    endpoints: [{address: 10.0.0.1, port: 80}]
    http_protocol: http3
    load_balancing: {policy: fastest, maglev_table_size: 65536}
    circuit_breakers: {retry_budget_percent: 101}
    outlier_detection: {consecutive_5xx: 0, base_ejection_time: 30s, max_ejection_time: 10s}
    health_check: {http_path: healthz, healthy_threshold: 0}
)",
                                                          "bad.yaml");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  const std::vector<std::string> expected = {
      "route_configs[0].virtual_hosts[0].routes[0].retry.retry_on[1]: \"sometimes\" is not a "
      "retry condition",
      "route_configs[0].virtual_hosts[0].routes[0].retry.backoff_max: must be at least "
      "backoff_base (1s)",
      "route_configs[0].virtual_hosts[0].routes[0].hash_policy[0]: give only one of header, "
      "cookie or source_ip (got header, cookie)",
      "route_configs[0].virtual_hosts[0].routes[0].hash_policy[1]: needs one of header",
      "route_configs[0].virtual_hosts[0].routes[0].rate_limit.tokens_per_fill: 0 is out of "
      "range",
      "route_configs[0].virtual_hosts[0].routes[0].fault.abort_percent: 150 is not a percentage",
      "route_configs[0].virtual_hosts[0].routes[0].fault.abort_grpc_status: give either",
      "clusters[0].http_protocol: \"http3\" is not an HTTP protocol (use_downstream, http1, "
      "http2)",
      "clusters[0].load_balancing.policy: \"fastest\" is not a load balancing policy",
      "clusters[0].load_balancing.maglev_table_size: 65536 is not a prime",
      "clusters[0].circuit_breakers.retry_budget_percent: 101 is not a percentage",
      "clusters[0].outlier_detection.max_ejection_time: must be at least base_ejection_time",
      "clusters[0].health_check.http_path: \"healthz\" is not a path",
      "clusters[0].health_check.healthy_threshold: 0 is out of range",
  };
  for (const std::string& needle : expected) {
    EXPECT_THAT(message, HasSubstr(needle));
  }
  // Every problem carries its position, the reader's and the validator's alike.
  EXPECT_THAT(message, HasSubstr("\"fastest\" is not a load balancing policy (round_robin, "
                                 "random, least_request, peak_ewma, ring_hash, maglev) (line 18, "
                                 "column 30)"));
  EXPECT_THAT(message, HasSubstr("65536 is not a prime between 2 and 5000011 (e.g. 65537) "
                                 "(line 18, column 58)"));
  // consecutive_5xx 0 with gateway errors and success rate off detects nothing.
  EXPECT_THAT(message, HasSubstr("clusters[0].outlier_detection: detects nothing"));
}

TEST(ResilienceYamlTest, ConfigDumpShowsNewFields) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kFull, "full.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const std::string json = ToJson(*config);
  EXPECT_THAT(json, HasSubstr("\"http_protocol\": \"http2\""));
  EXPECT_THAT(json, HasSubstr("\"load_balancing\": {\"policy\": \"maglev\""));
  EXPECT_THAT(json, HasSubstr("\"maglev_table_size\": 251"));
  EXPECT_THAT(json, HasSubstr("\"circuit_breakers\": {\"max_connections\": 10"));
  EXPECT_THAT(json, HasSubstr("\"outlier_detection\": {\"enabled\": true, \"consecutive_5xx\": 3"));
  EXPECT_THAT(json, HasSubstr("\"health_check\": {\"enabled\": true, \"http_path\": \"/healthz\""));
  EXPECT_THAT(json, HasSubstr("\"retry_on\": [\"5xx\", \"connect-failure\""));
  EXPECT_THAT(json, HasSubstr("\"hash_policy\": [{\"header\": \"x-user\"}, {\"cookie\": "
                              "\"session\"}, {\"source_ip\": true}]"));
  EXPECT_THAT(json, HasSubstr("\"rate_limit\": {\"max_tokens\": 100, \"tokens_per_fill\": 10, "
                              "\"fill_interval\": \"100ms\", \"per_source\": true}"));
  EXPECT_THAT(json, HasSubstr("\"fault\": {\"delay_percent\": 12.5, \"delay\": \"250ms\""));
}

TEST(ResilienceYamlTest, SameExceptEndpointsSeesResilienceChanges) {
  Cluster a;
  a.name = "c";
  Cluster b = a;
  b.endpoints.push_back(Endpoint{"10.0.0.1", 80, 1});
  EXPECT_TRUE(SameExceptEndpoints(a, b));
  b.load_balancing.policy = LoadBalancing::Policy::kPeakEwma;
  EXPECT_FALSE(SameExceptEndpoints(a, b));
  b = a;
  b.outlier_detection.enabled = true;
  EXPECT_FALSE(SameExceptEndpoints(a, b));
  b = a;
  b.circuit_breakers.max_requests = 7;
  EXPECT_FALSE(SameExceptEndpoints(a, b));
  b = a;
  b.health_check.http_path = "/h";
  EXPECT_FALSE(SameExceptEndpoints(a, b));
}

}  // namespace
}  // namespace weft::config
