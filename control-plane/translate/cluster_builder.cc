#include "control-plane/translate/cluster_builder.h"

#include <string>

#include "control-plane/translate/names.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;

constexpr absl::Duration kDefaultConnectTimeout = absl::Seconds(1);

Cluster::LbPolicy LbPolicyFor(const TrafficPolicy* policy, ClientKind kind) {
  if (kind == ClientKind::kProxyless || policy == nullptr || !policy->load_balancer) {
    return Cluster::ROUND_ROBIN;
  }
  switch (policy->load_balancer->type) {
    case LoadBalancerType::kRoundRobin:
      return Cluster::ROUND_ROBIN;
    case LoadBalancerType::kLeastRequest:
      return Cluster::LEAST_REQUEST;
    case LoadBalancerType::kRandom:
      return Cluster::RANDOM;
  }
  return Cluster::ROUND_ROBIN;
}

void SetCircuitBreaker(const CircuitBreakerPolicy& breaker, Cluster& cluster) {
  auto* thresholds = cluster.mutable_circuit_breakers()->add_thresholds();
  thresholds->set_priority(envoy::config::core::v3::DEFAULT);
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
}

}  // namespace

Cluster BuildServiceCluster(const ObjectKey& service, const ServicePort& port,
                            const TrafficPolicy* policy, ClientKind kind) {
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

  if (policy != nullptr && policy->circuit_breaker) {
    SetCircuitBreaker(*policy->circuit_breaker, cluster);
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

}  // namespace weft::control_plane
