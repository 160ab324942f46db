// Validation of TrafficPolicies (see build_model.h and traffic_policy.h).

#include <string>

#include "absl/strings/str_cat.h"
#include "control-plane/core/validation_context.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::internal {
namespace {

using config::ChildPath;
using config::IndexPath;

constexpr int32_t kMaxLimit = 1'000'000'000;

void CheckPositive(absl::string_view path, absl::Duration d, ValidationContext& context) {
  if (d <= absl::ZeroDuration()) {
    context.Problem(path, absl::StrCat(absl::FormatDuration(d), " must be more than 0"));
  }
}

void CheckNonNegative(absl::string_view path, const std::optional<absl::Duration>& d,
                      ValidationContext& context) {
  if (d && *d < absl::ZeroDuration()) {
    context.Problem(path, absl::StrCat(absl::FormatDuration(*d), " is negative"));
  }
}

void CheckLimit(absl::string_view path, const std::optional<int32_t>& limit,
                ValidationContext& context) {
  if (limit) context.CheckRange(path, *limit, 1, kMaxLimit, "a limit");
}

void CheckPercent(absl::string_view path, double value, ValidationContext& context) {
  if (!(value >= 0 && value <= 100)) {
    context.Problem(path, absl::StrCat(value, " is not a percentage (0-100)"));
  }
}

void ValidateLoadBalancer(const LoadBalancerPolicy& lb, ValidationContext& context) {
  const bool hashing =
      lb.type == LoadBalancerType::kRingHash || lb.type == LoadBalancerType::kMaglev;
  if (lb.hash_key) {
    const HashKey& key = *lb.hash_key;
    const int set = !key.header.empty() + !key.cookie.empty() + key.source_ip;
    if (set != 1) {
      context.Problem("spec.loadBalancer.hashKey", "give exactly one of header, cookie, sourceIP");
    }
    if (!hashing) {
      context.Problem("spec.loadBalancer.hashKey", "only used by type RingHash or Maglev");
    }
  } else if (hashing) {
    context.Problem("spec.loadBalancer.hashKey",
                    "required for type RingHash and Maglev (what to hash: header, cookie or "
                    "sourceIP)");
  }
  if (lb.minimum_ring_size) {
    context.CheckRange("spec.loadBalancer.minimumRingSize", *lb.minimum_ring_size, 1, 8388608,
                       "a ring size");
    if (lb.type != LoadBalancerType::kRingHash) {
      context.Problem("spec.loadBalancer.minimumRingSize", "only used by type RingHash");
    }
  }
  if (lb.zone_aware) {
    context.CheckRange("spec.loadBalancer.zoneAware.minHealthyPercent",
                       lb.zone_aware->min_healthy_percent, 1, 100, "a percentage");
  }
}

void ValidateFault(const FaultInjectionPolicy& fault, ValidationContext& context) {
  if (!fault.delay && !fault.abort) {
    context.Problem("spec.faultInjection", "needs delay or abort");
  }
  if (fault.delay) {
    CheckPercent("spec.faultInjection.delay.percent", fault.delay->percent, context);
    CheckPositive("spec.faultInjection.delay.fixedDelay", fault.delay->fixed_delay, context);
  }
  if (fault.abort) {
    const FaultAbortPolicy& abort = *fault.abort;
    CheckPercent("spec.faultInjection.abort.percent", abort.percent, context);
    if (abort.http_status.has_value() == abort.grpc_status.has_value()) {
      context.Problem("spec.faultInjection.abort", "give exactly one of httpStatus, grpcStatus");
    }
    if (abort.http_status) {
      context.CheckRange("spec.faultInjection.abort.httpStatus", *abort.http_status, 200, 599,
                         "an HTTP status");
    }
    if (abort.grpc_status) {
      context.CheckRange("spec.faultInjection.abort.grpcStatus", *abort.grpc_status, 1, 16,
                         "a gRPC error status");
    }
  }
}

}  // namespace

void ValidateTrafficPolicy(const TrafficPolicy& policy, ValidationContext& context) {
  const PolicyTargetRef& target = policy.target_ref;
  if (target.name.empty()) {
    context.Problem("spec.targetRef.name", "required: the Service this policy applies to");
  } else if (context.CheckServiceKind("spec.targetRef", target.group, target.kind, "a targetRef")) {
    context.ResolveService("spec.targetRef.name", ObjectKey{policy.meta.ns, target.name});
  }
  if (policy.retries) {
    const RetryPolicy& retries = *policy.retries;
    context.CheckRange("spec.retries.attempts", retries.attempts, 0, 10, "a retry count");
    if (retries.per_try_timeout) {
      CheckPositive("spec.retries.perTryTimeout", *retries.per_try_timeout, context);
    }
    static constexpr absl::string_view kConditions[] = {"5xx",
                                                        "gateway-error",
                                                        "reset",
                                                        "connect-failure",
                                                        "retriable-4xx",
                                                        "refused-stream",
                                                        "unavailable",
                                                        "cancelled",
                                                        "deadline-exceeded",
                                                        "resource-exhausted"};
    for (size_t i = 0; i < retries.retry_on.size(); ++i) {
      bool known = false;
      for (absl::string_view c : kConditions) known = known || c == retries.retry_on[i];
      if (!known) {
        context.Problem(IndexPath("spec.retries.retryOn", i),
                        absl::StrCat("\"", retries.retry_on[i],
                                     "\" is not a retry condition (5xx, gateway-error, reset, "
                                     "connect-failure, retriable-4xx, refused-stream, "
                                     "unavailable, cancelled, deadline-exceeded, "
                                     "resource-exhausted)"));
      }
    }
    if (retries.budget) {
      if (!(retries.budget->percent >= 0 && retries.budget->percent <= 100)) {
        context.Problem("spec.retries.budget.percent",
                        absl::StrCat(retries.budget->percent, " is not a percentage (0-100)"));
      }
      context.CheckRange("spec.retries.budget.minRetryConcurrency",
                         retries.budget->min_retry_concurrency, 0, kMaxLimit, "a count");
    }
    CheckPositive("spec.retries.backoff.baseInterval", retries.backoff_base_interval, context);
    if (retries.backoff_max_interval < retries.backoff_base_interval) {
      context.Problem("spec.retries.backoff.maxInterval",
                      absl::StrCat(absl::FormatDuration(retries.backoff_max_interval),
                                   " is shorter than baseInterval (",
                                   absl::FormatDuration(retries.backoff_base_interval), ")"));
    }
  }
  if (policy.load_balancer) ValidateLoadBalancer(*policy.load_balancer, context);
  if (policy.rate_limit) {
    const RateLimitPolicy& limit = *policy.rate_limit;
    context.CheckRange("spec.rateLimit.requestsPerUnit", limit.requests_per_unit, 1, kMaxLimit,
                       "a request count");
    if (limit.unit != absl::Seconds(1) && limit.unit != absl::Minutes(1) &&
        limit.unit != absl::Hours(1)) {
      context.Problem("spec.rateLimit.unit", "must be Second, Minute or Hour");
    }
  }
  if (policy.fault_injection) ValidateFault(*policy.fault_injection, context);
  if (policy.timeouts) {
    CheckNonNegative("spec.timeouts.request", policy.timeouts->request, context);
    CheckNonNegative("spec.timeouts.connect", policy.timeouts->connect, context);
    CheckNonNegative("spec.timeouts.idle", policy.timeouts->idle, context);
  }
  if (policy.circuit_breaker) {
    const CircuitBreakerPolicy& cb = *policy.circuit_breaker;
    CheckLimit("spec.circuitBreaker.maxConnections", cb.max_connections, context);
    CheckLimit("spec.circuitBreaker.maxPendingRequests", cb.max_pending_requests, context);
    CheckLimit("spec.circuitBreaker.maxRequests", cb.max_requests, context);
    CheckLimit("spec.circuitBreaker.maxRetries", cb.max_retries, context);
  }
  if (policy.outlier_detection) {
    const OutlierDetectionPolicy& od = *policy.outlier_detection;
    context.CheckRange("spec.outlierDetection.consecutive5xx", od.consecutive_5xx, 1, 1000,
                       "a failure count");
    CheckPositive("spec.outlierDetection.interval", od.interval, context);
    CheckPositive("spec.outlierDetection.baseEjectionTime", od.base_ejection_time, context);
    if (od.max_ejection_time < od.base_ejection_time) {
      context.Problem("spec.outlierDetection.maxEjectionTime",
                      absl::StrCat(absl::FormatDuration(od.max_ejection_time),
                                   " is shorter than baseEjectionTime (",
                                   absl::FormatDuration(od.base_ejection_time), ")"));
    }
    context.CheckRange("spec.outlierDetection.maxEjectionPercent", od.max_ejection_percent, 0, 100,
                       "a percentage");
    if (od.consecutive_gateway_errors) {
      context.CheckRange("spec.outlierDetection.consecutiveGatewayErrors",
                         *od.consecutive_gateway_errors, 1, 1000, "a failure count");
    }
  }
}

}  // namespace weft::control_plane::internal
