// TrafficPolicy manifests: every field of the model is read with the spelling of
// api/crds/trafficpolicy.yaml, the published example parses and validates, and the
// spellings of earlier drafts are rejected by name instead of silently ignored.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "control-plane/core/build_model.h"
#include "control-plane/local/manifest_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane::local {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kService[] = R"(apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec: {ports: [{name: http, port: 80}]}
---
)";

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ProblemText(const config::ProblemList& problems) {
  std::vector<std::string> lines;
  for (const auto& p : problems.problems()) lines.push_back(p.ToString());
  return absl::StrJoin(lines, "\n");
}

// Parses a TrafficPolicy spec (indented YAML text under `spec:`).
TrafficPolicy ParsePolicy(const std::string& spec, config::ProblemList& problems) {
  ParsedManifests parsed = ParseManifests(
      "apiVersion: mesh.weft.dev/v1alpha1\nkind: TrafficPolicy\n"
      "metadata: {name: p, namespace: default}\nspec:\n" +
          spec,
      "p.yaml", problems);
  if (parsed.resources.size() != 1) return TrafficPolicy();
  return std::get<TrafficPolicy>(parsed.resources[0].object);
}

TEST(TrafficPolicyReaderTest, PublishedExampleParsesAndValidates) {
  const std::string example = ReadFileOrDie("api/examples/trafficpolicy.yaml");
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(kService + example, "example.yaml", problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  ASSERT_THAT(parsed.resources, SizeIs(2));
  absl::StatusOr<Model> model = BuildModel(parsed.resources, problems);
  ASSERT_TRUE(model.ok()) << model.status() << "\n" << ProblemText(problems);

  const TrafficPolicy* policy = model->PolicyFor({"default", "reviews"});
  ASSERT_NE(policy, nullptr);
  ASSERT_TRUE(policy->load_balancer.has_value());
  EXPECT_EQ(policy->load_balancer->type, LoadBalancerType::kRingHash);
  ASSERT_TRUE(policy->load_balancer->hash_key.has_value());
  EXPECT_EQ(policy->load_balancer->hash_key->header, "x-user");
  EXPECT_EQ(policy->load_balancer->minimum_ring_size, 1024);
  ASSERT_TRUE(policy->circuit_breaker.has_value());
  EXPECT_EQ(policy->circuit_breaker->max_connections, 100);
  EXPECT_EQ(policy->circuit_breaker->max_pending_requests, 50);
  EXPECT_EQ(policy->circuit_breaker->max_requests, 1000);
  EXPECT_EQ(policy->circuit_breaker->max_retries, 3);
  ASSERT_TRUE(policy->retries.has_value());
  EXPECT_EQ(policy->retries->attempts, 2);
  EXPECT_EQ(policy->retries->per_try_timeout, absl::Milliseconds(500));
  EXPECT_THAT(policy->retries->retry_on,
              ElementsAre("5xx", "reset", "connect-failure", "unavailable"));
  EXPECT_EQ(policy->retries->backoff_base_interval, absl::Milliseconds(25));
  EXPECT_EQ(policy->retries->backoff_max_interval, absl::Milliseconds(250));
  ASSERT_TRUE(policy->retries->budget.has_value());
  EXPECT_DOUBLE_EQ(policy->retries->budget->percent, 20);
  EXPECT_EQ(policy->retries->budget->min_retry_concurrency, 3);
  ASSERT_TRUE(policy->timeouts.has_value());
  EXPECT_EQ(policy->timeouts->connect, absl::Seconds(1));
  EXPECT_EQ(policy->timeouts->request, absl::Seconds(5));
  EXPECT_EQ(policy->timeouts->idle, absl::Hours(1));
  ASSERT_TRUE(policy->outlier_detection.has_value());
  EXPECT_EQ(policy->outlier_detection->consecutive_5xx, 5);
  EXPECT_EQ(policy->outlier_detection->consecutive_gateway_errors, 5);
  EXPECT_EQ(policy->outlier_detection->interval, absl::Seconds(10));
  EXPECT_EQ(policy->outlier_detection->base_ejection_time, absl::Seconds(30));
  EXPECT_EQ(policy->outlier_detection->max_ejection_time, absl::Seconds(300));
  EXPECT_EQ(policy->outlier_detection->max_ejection_percent, 50);
  ASSERT_TRUE(policy->rate_limit.has_value());
  EXPECT_EQ(policy->rate_limit->requests_per_unit, 100);
  EXPECT_EQ(policy->rate_limit->unit, absl::Seconds(1));
  EXPECT_TRUE(policy->rate_limit->per_source);
  ASSERT_TRUE(policy->fault_injection.has_value());
  ASSERT_TRUE(policy->fault_injection->delay.has_value());
  EXPECT_DOUBLE_EQ(policy->fault_injection->delay->percent, 1);
  EXPECT_EQ(policy->fault_injection->delay->fixed_delay, absl::Milliseconds(100));
  ASSERT_TRUE(policy->fault_injection->abort.has_value());
  EXPECT_DOUBLE_EQ(policy->fault_injection->abort->percent, 0.5);
  EXPECT_EQ(policy->fault_injection->abort->http_status, 503);
  EXPECT_FALSE(policy->fault_injection->abort->grpc_status.has_value());
}

TEST(TrafficPolicyReaderTest, EveryLoadBalancerTypeAndHashKey) {
  const std::vector<std::pair<std::string, LoadBalancerType>> types = {
      {"RoundRobin", LoadBalancerType::kRoundRobin}, {"LeastRequest", LoadBalancerType::kLeastRequest},
      {"Random", LoadBalancerType::kRandom},         {"PeakEwma", LoadBalancerType::kPeakEwma},
      {"RingHash", LoadBalancerType::kRingHash},     {"Maglev", LoadBalancerType::kMaglev}};
  for (const auto& [name, type] : types) {
    config::ProblemList problems;
    TrafficPolicy policy = ParsePolicy(
        "  targetRef: {kind: Service, name: reviews}\n  loadBalancer: {type: " + name + "}\n",
        problems);
    ASSERT_TRUE(problems.empty()) << name << ": " << ProblemText(problems);
    ASSERT_TRUE(policy.load_balancer.has_value()) << name;
    EXPECT_EQ(policy.load_balancer->type, type) << name;
  }

  config::ProblemList problems;
  TrafficPolicy cookie = ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  loadBalancer: {type: Maglev, hashKey: {cookie: session}}\n",
      problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  EXPECT_EQ(cookie.load_balancer->hash_key->cookie, "session");
  EXPECT_FALSE(cookie.load_balancer->hash_key->source_ip);
  TrafficPolicy source = ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  loadBalancer: {type: RingHash, hashKey: {sourceIP: true}, minimumRingSize: 64}\n",
      problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  EXPECT_TRUE(source.load_balancer->hash_key->source_ip);
  EXPECT_EQ(source.load_balancer->minimum_ring_size, 64);
  EXPECT_FALSE(source.load_balancer->zone_aware.has_value());

  TrafficPolicy zoned = ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  loadBalancer: {type: LeastRequest, zoneAware: {}}\n",
      problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  ASSERT_TRUE(zoned.load_balancer->zone_aware.has_value());
  EXPECT_EQ(zoned.load_balancer->zone_aware->min_healthy_percent, 70);  // the default
}

TEST(TrafficPolicyReaderTest, RateLimitUnitsAndGrpcAbort) {
  config::ProblemList problems;
  TrafficPolicy policy = ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  rateLimit: {requestsPerUnit: 600, unit: Minute}\n"
      "  faultInjection: {abort: {percent: 100, grpcStatus: 14}}\n",
      problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  EXPECT_EQ(policy.rate_limit->requests_per_unit, 600);
  EXPECT_EQ(policy.rate_limit->unit, absl::Minutes(1));
  EXPECT_FALSE(policy.rate_limit->per_source);
  EXPECT_FALSE(policy.fault_injection->delay.has_value());
  EXPECT_EQ(policy.fault_injection->abort->grpc_status, 14);
  EXPECT_FALSE(policy.fault_injection->abort->http_status.has_value());
  EXPECT_FALSE(policy.retries.has_value());  // unset sections stay unset
  EXPECT_FALSE(policy.circuit_breaker.has_value());
}

TEST(TrafficPolicyReaderTest, BadValuesAreNamed) {
  config::ProblemList problems;
  ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  loadBalancer: {type: ROUND_ROBIN}\n"
      "  rateLimit: {requestsPerUnit: many, unit: Day}\n"
      "  retries: {budget: {percent: 150}}\n"
      "  faultInjection: {delay: {percent: 5, fixedDelay: 100}}\n",
      problems);
  const std::string all = ProblemText(problems);
  EXPECT_THAT(all, HasSubstr("spec.loadBalancer.type: \"ROUND_ROBIN\" is not a load balancer "
                             "type (RoundRobin, LeastRequest, Random, PeakEwma, RingHash, "
                             "Maglev)"));
  EXPECT_THAT(all, HasSubstr("spec.rateLimit.requestsPerUnit: \"many\" is not a whole number"));
  EXPECT_THAT(all, HasSubstr("spec.rateLimit.unit: \"Day\" is not a rate limit unit"));
  EXPECT_THAT(all, HasSubstr("spec.retries.budget.percent"));
  EXPECT_THAT(all, HasSubstr("spec.faultInjection.delay.fixedDelay: 100 needs a unit"));
  EXPECT_THAT(problems.problems(), SizeIs(5)) << all;
}

// Earlier drafts of the CRD spelt these differently; a manifest written for them
// must fail loudly rather than lose its settings.
TEST(TrafficPolicyReaderTest, OldSpellingsAreUnknownKeys) {
  config::ProblemList problems;
  ParsePolicy(
      "  targetRef: {kind: Service, name: reviews}\n"
      "  loadBalancer: {policy: RING_HASH}\n"
      "  connectionPool: {maxConnections: 1}\n"
      "  retries: {budget: {ratio: 0.2, minRetriesPerSecond: 10}}\n"
      "  outlierDetection: {successRate: {minimumHosts: 5}}\n",
      problems);
  const std::string all = ProblemText(problems);
  EXPECT_THAT(all, HasSubstr("spec.loadBalancer.policy: unknown key \"policy\""));
  EXPECT_THAT(all, HasSubstr("spec.connectionPool: unknown key \"connectionPool\""));
  EXPECT_THAT(all, HasSubstr("spec.retries.budget.ratio: unknown key \"ratio\""));
  EXPECT_THAT(all, HasSubstr("spec.retries.budget.minRetriesPerSecond: unknown key"));
  EXPECT_THAT(all, HasSubstr("spec.outlierDetection.successRate: unknown key"));
}

TEST(TrafficPolicyReaderTest, ValidationRunsOnReadValues) {
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(
      std::string(kService) +
          "apiVersion: mesh.weft.dev/v1alpha1\nkind: TrafficPolicy\n"
          "metadata: {name: p, namespace: default}\nspec:\n"
          "  targetRef: {kind: Service, name: reviews}\n"
          "  loadBalancer: {type: Maglev, zoneAware: {minHealthyPercent: 0}}\n"
          "  faultInjection: {abort: {percent: 10, httpStatus: 503, grpcStatus: 14}}\n"
          "  outlierDetection: {consecutiveGatewayErrors: 0}\n",
      "p.yaml", problems);
  ASSERT_TRUE(problems.empty()) << ProblemText(problems);
  EXPECT_FALSE(BuildModel(parsed.resources, problems).ok());
  const std::string all = ProblemText(problems);
  EXPECT_THAT(all, HasSubstr("spec.loadBalancer.hashKey: required for type RingHash and Maglev"));
  EXPECT_THAT(all, HasSubstr("spec.faultInjection.abort: give exactly one of httpStatus, "
                             "grpcStatus"));
  EXPECT_THAT(all, HasSubstr("spec.outlierDetection.consecutiveGatewayErrors"));
  EXPECT_THAT(all, HasSubstr("spec.loadBalancer.zoneAware.minHealthyPercent: 0 is not a "
                             "percentage (1-100)"));
}

}  // namespace
}  // namespace weft::control_plane::local
