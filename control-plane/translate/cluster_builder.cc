#include "control-plane/translate/cluster_builder.h"

#include <string>

#include "control-plane/translate/names.h"
#include "envoy/extensions/upstreams/http/v3/http_protocol_options.pb.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;
using HttpProtocolOptions = envoy::extensions::upstreams::http::v3::HttpProtocolOptions;

constexpr char kHttpProtocolOptionsName[] =
    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
constexpr char kWeftMetadataKey[] = "weft";

constexpr absl::Duration kDefaultConnectTimeout = absl::Seconds(1);

Cluster::LbPolicy LbPolicyFor(const TrafficPolicy* policy, ClientKind kind) {
  if (policy == nullptr || !policy->load_balancer) return Cluster::ROUND_ROBIN;
  if (kind == ClientKind::kProxyless) {
    // gRPC 1.51 implements ROUND_ROBIN and RING_HASH of these.
    return policy->load_balancer->type == LoadBalancerType::kRingHash ? Cluster::RING_HASH
                                                                      : Cluster::ROUND_ROBIN;
  }
  switch (policy->load_balancer->type) {
    case LoadBalancerType::kRoundRobin:
      return Cluster::ROUND_ROBIN;
    case LoadBalancerType::kLeastRequest:
    case LoadBalancerType::kPeakEwma:  // what a non-Weft client falls back to
      return Cluster::LEAST_REQUEST;
    case LoadBalancerType::kRandom:
      return Cluster::RANDOM;
    case LoadBalancerType::kRingHash:
      return Cluster::RING_HASH;
    case LoadBalancerType::kMaglev:
      return Cluster::MAGLEV;
  }
  return Cluster::ROUND_ROBIN;
}

// Ring size, peak EWMA's Weft metadata. Proxyless gRPC 1.51 gets ring hash only.
void SetLbConfig(const LoadBalancerPolicy& lb, ClientKind kind, Cluster& cluster) {
  if (lb.type == LoadBalancerType::kRingHash && lb.minimum_ring_size) {
    cluster.mutable_ring_hash_lb_config()->mutable_minimum_ring_size()->set_value(
        static_cast<uint64_t>(*lb.minimum_ring_size));
  }
  if (lb.type == LoadBalancerType::kPeakEwma && kind == ClientKind::kSidecar) {
    auto& weft = (*cluster.mutable_metadata()->mutable_filter_metadata())[kWeftMetadataKey];
    (*weft.mutable_fields())["lb_policy"].set_string_value("peak_ewma");
  }
  // Zone preference: Envoy's zone_aware_lb_config (the sidecar reads its
  // presence as "70 %"), and the exact share in Weft's metadata.
  if (lb.zone_aware && kind == ClientKind::kSidecar) {
    cluster.mutable_common_lb_config()->mutable_zone_aware_lb_config();
    auto& weft = (*cluster.mutable_metadata()->mutable_filter_metadata())[kWeftMetadataKey];
    (*weft.mutable_fields())["locality_min_healthy_percent"].set_number_value(
        static_cast<double>(lb.zone_aware->min_healthy_percent));
  }
}

// Sidecar-to-sidecar HTTP is multiplexed over HTTP/2 whatever the client spoke;
// the other sidecar turns HTTP/1.1-originated requests back into HTTP/1.1.
void SetUpstreamHttp2(Cluster& cluster) {
  HttpProtocolOptions options;
  options.mutable_explicit_http_config()->mutable_http2_protocol_options();
  (*cluster.mutable_typed_extension_protocol_options())[kHttpProtocolOptionsName].PackFrom(
      options);
}

envoy::config::cluster::v3::CircuitBreakers::Thresholds* DefaultThresholds(Cluster& cluster) {
  auto* breakers = cluster.mutable_circuit_breakers();
  if (breakers->thresholds_size() > 0) return breakers->mutable_thresholds(0);
  auto* thresholds = breakers->add_thresholds();
  thresholds->set_priority(envoy::config::core::v3::DEFAULT);
  return thresholds;
}

void SetCircuitBreaker(const CircuitBreakerPolicy& breaker, Cluster& cluster) {
  auto* thresholds = DefaultThresholds(cluster);
  // Values are validated non-negative by BuildModel.
  if (breaker.max_connections) {
    thresholds->mutable_max_connections()->set_value(
        static_cast<uint32_t>(*breaker.max_connections));
  }
  if (breaker.max_pending_requests) {
    thresholds->mutable_max_pending_requests()->set_value(
        static_cast<uint32_t>(*breaker.max_pending_requests));
  }
  if (breaker.max_requests) {
    thresholds->mutable_max_requests()->set_value(static_cast<uint32_t>(*breaker.max_requests));
  }
  if (breaker.max_retries) {
    thresholds->mutable_max_retries()->set_value(static_cast<uint32_t>(*breaker.max_retries));
  }
}

void SetOutlierDetection(const OutlierDetectionPolicy& policy, Cluster& cluster) {
  auto* outlier = cluster.mutable_outlier_detection();
  outlier->mutable_consecutive_5xx()->set_value(static_cast<uint32_t>(policy.consecutive_5xx));
  SetProtoDuration(policy.interval, outlier->mutable_interval());
  SetProtoDuration(policy.base_ejection_time, outlier->mutable_base_ejection_time());
  SetProtoDuration(policy.max_ejection_time, outlier->mutable_max_ejection_time());
  outlier->mutable_max_ejection_percent()->set_value(
      static_cast<uint32_t>(policy.max_ejection_percent));
  outlier->mutable_enforcing_success_rate()->set_value(0);
  if (policy.consecutive_gateway_errors) {
    outlier->mutable_consecutive_gateway_failure()->set_value(
        static_cast<uint32_t>(*policy.consecutive_gateway_errors));
    outlier->mutable_enforcing_consecutive_gateway_failure()->set_value(100);
  }
}

}  // namespace

Cluster BuildServiceCluster(const ObjectKey& service, const ServicePort& port,
                            const TrafficPolicy* policy, ClientKind kind,
                            bool endpoints_have_sidecars) {
  const std::string name = ClusterName(service, static_cast<uint32_t>(port.port));
  Cluster cluster;
  cluster.set_name(name);
  cluster.set_type(Cluster::EDS);
  auto* eds = cluster.mutable_eds_cluster_config();
  eds->mutable_eds_config()->mutable_ads();
  eds->mutable_eds_config()->set_resource_api_version(envoy::config::core::v3::V3);
  eds->set_service_name(name);

  absl::Duration connect = kDefaultConnectTimeout;
  if (policy != nullptr && policy->timeouts && policy->timeouts->connect) {
    connect = *policy->timeouts->connect;
  }
  SetProtoDuration(connect, cluster.mutable_connect_timeout());
  cluster.set_lb_policy(LbPolicyFor(policy, kind));

  if (policy != nullptr && policy->load_balancer) {
    SetLbConfig(*policy->load_balancer, kind, cluster);
  }
  if (policy != nullptr && policy->circuit_breaker) {
    SetCircuitBreaker(*policy->circuit_breaker, cluster);
  }
  if (kind == ClientKind::kSidecar && policy != nullptr && policy->retries &&
      policy->retries->budget) {
    auto* budget = DefaultThresholds(cluster)->mutable_retry_budget();
    budget->mutable_budget_percent()->set_value(policy->retries->budget->percent);
    budget->mutable_min_retry_concurrency()->set_value(
        static_cast<uint32_t>(policy->retries->budget->min_retry_concurrency));
  }
  if (kind == ClientKind::kSidecar && IsHttpProtocol(port.protocol) && endpoints_have_sidecars) {
    SetUpstreamHttp2(cluster);
  }
  if (policy != nullptr && policy->outlier_detection) {
    SetOutlierDetection(*policy->outlier_detection, cluster);
  }
  return cluster;
}

Cluster BuildPassthroughCluster(absl::string_view name) {
  Cluster cluster;
  cluster.set_name(std::string(name));
  cluster.set_type(Cluster::ORIGINAL_DST);
  cluster.set_lb_policy(Cluster::CLUSTER_PROVIDED);
  SetProtoDuration(kDefaultConnectTimeout, cluster.mutable_connect_timeout());
  return cluster;
}

Cluster BuildInboundPassthroughCluster(absl::string_view name) {
  Cluster cluster = BuildPassthroughCluster(name);
  HttpProtocolOptions options;
  options.mutable_use_downstream_protocol_config();
  (*cluster.mutable_typed_extension_protocol_options())[kHttpProtocolOptionsName].PackFrom(
      options);
  return cluster;
}

}  // namespace weft::control_plane
