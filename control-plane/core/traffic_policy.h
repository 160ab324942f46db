#ifndef WEFT_CONTROL_PLANE_CORE_TRAFFIC_POLICY_H_
#define WEFT_CONTROL_PLANE_CORE_TRAFFIC_POLICY_H_

// TrafficPolicy (mesh.weft.dev/v1alpha1): how clients talk to one Service — load
// balancing, retries, timeouts, circuit breaking and outlier detection. Each
// section is optional; an unset section keeps the proxy's default, so a policy
// only states what it changes.
//
//   apiVersion: mesh.weft.dev/v1alpha1
//   kind: TrafficPolicy
//   metadata: {name: backend, namespace: shop}
//   spec:
//     targetRef: {kind: Service, name: backend}
//     loadBalancer: {type: LeastRequest}
//     retries: {attempts: 2, perTryTimeout: 1s, retryOn: [5xx, connect-failure]}
//
// Value types, thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "control-plane/core/object_meta.h"

namespace weft::control_plane {

// Policy attachment: the Service (in the policy's namespace) it applies to.
struct PolicyTargetRef {
  std::string group;
  std::string kind = "Service";
  std::string name;
};

enum class LoadBalancerType {
  kRoundRobin,
  kLeastRequest,
  kRandom,
  kPeakEwma,  // Weft: latency-aware (cluster metadata filter_metadata["weft"].lb_policy)
  kRingHash,  // consistent hashing on hashKey
  kMaglev,    // consistent hashing on hashKey, even spread
};

// The manifest's names of the types ("RoundRobin"...), for readers and printers.
const std::vector<std::pair<absl::string_view, LoadBalancerType>>& LoadBalancerTypeNames();

// What consistent hashing hashes: exactly one is set.
struct HashKey {
  std::string header;
  std::string cookie;
  bool source_ip = false;
};

// Requests prefer endpoints in the client proxy's own zone (its bootstrap
// `xds.zone`; endpoints' zones come from their workloads' locality) while at
// least `min_healthy_percent` of that zone's endpoints are available, and go to
// every zone otherwise.
struct ZoneAwarePolicy {
  int64_t min_healthy_percent = 70;  // 1-100
};

struct LoadBalancerPolicy {
  LoadBalancerType type = LoadBalancerType::kRoundRobin;
  std::optional<HashKey> hash_key;              // RingHash, Maglev
  std::optional<int64_t> minimum_ring_size;     // RingHash
  std::optional<ZoneAwarePolicy> zone_aware;
};

// Retries in flight bounded to a share of active requests (Envoy retry budget).
struct RetryBudgetPolicy {
  double percent = 20;              // 0-100
  int32_t min_retry_concurrency = 3;
};

struct RetryPolicy {
  int32_t attempts = 1;  // retries after the first try, 0-10
  std::optional<absl::Duration> per_try_timeout;
  // Conditions, Envoy's names: 5xx, gateway-error, reset, connect-failure,
  // retriable-4xx, refused-stream, unavailable, cancelled, deadline-exceeded,
  // resource-exhausted. Empty: "connect-failure,refused-stream,unavailable".
  std::vector<std::string> retry_on;
  absl::Duration backoff_base_interval = absl::Milliseconds(25);
  absl::Duration backoff_max_interval = absl::Milliseconds(250);
  std::optional<RetryBudgetPolicy> budget;  // goes to the cluster's circuit breakers
};

struct TimeoutPolicy {
  std::optional<absl::Duration> request;  // 0: none
  std::optional<absl::Duration> connect;
  std::optional<absl::Duration> idle;
};

// Per-client limits; unset fields keep the proxy's defaults.
struct CircuitBreakerPolicy {
  std::optional<int32_t> max_connections;
  std::optional<int32_t> max_pending_requests;
  std::optional<int32_t> max_requests;
  std::optional<int32_t> max_retries;
};

struct OutlierDetectionPolicy {
  int32_t consecutive_5xx = 5;
  absl::Duration interval = absl::Seconds(10);
  absl::Duration base_ejection_time = absl::Seconds(30);
  absl::Duration max_ejection_time = absl::Seconds(300);
  int32_t max_ejection_percent = 10;
  // 502/503/504 and connect failures in a row; unset: not used.
  std::optional<int32_t> consecutive_gateway_errors;
};

// Local rate limit per proxy and route: a token bucket of `requests_per_unit`
// tokens refilled whole every `unit`.
struct RateLimitPolicy {
  int64_t requests_per_unit = 0;
  absl::Duration unit = absl::Seconds(1);  // second, minute or hour
  bool per_source = false;                 // a bucket per caller
};

// Chaos testing on the client side.
struct FaultDelayPolicy {
  double percent = 0;
  absl::Duration fixed_delay = absl::ZeroDuration();
};
struct FaultAbortPolicy {
  double percent = 0;
  std::optional<int32_t> http_status;  // exactly one of the two
  std::optional<int32_t> grpc_status;
};
struct FaultInjectionPolicy {
  std::optional<FaultDelayPolicy> delay;
  std::optional<FaultAbortPolicy> abort;
};

struct TrafficPolicy {
  ObjectMeta meta;
  PolicyTargetRef target_ref;
  std::optional<LoadBalancerPolicy> load_balancer;
  std::optional<RetryPolicy> retries;
  std::optional<TimeoutPolicy> timeouts;
  std::optional<CircuitBreakerPolicy> circuit_breaker;
  std::optional<OutlierDetectionPolicy> outlier_detection;
  std::optional<RateLimitPolicy> rate_limit;
  std::optional<FaultInjectionPolicy> fault_injection;
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_TRAFFIC_POLICY_H_
