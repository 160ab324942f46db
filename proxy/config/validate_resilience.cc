#include "proxy/config/validate_resilience.h"

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "proxy/resilience/retry_policy.h"

namespace weft::config {
namespace {

bool IsPrime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

bool IsToken(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}

class Checker {
 public:
  explicit Checker(ProblemList& problems) : problems_(problems) {}

  void Problem(const std::string& path, std::string message) {
    problems_.Add(path, std::move(message));
  }

  // A finite duration above `min` (or equal to it when `min_allowed`).
  void Duration(const std::string& path, absl::Duration value, absl::Duration min,
                bool min_allowed) {
    if (value == absl::InfiniteDuration() || value == -absl::InfiniteDuration()) {
      Problem(path, "must be a finite duration");
    } else if (value < min || (value == min && !min_allowed)) {
      Problem(path, absl::StrCat("must be ", min_allowed ? "at least " : "greater than ",
                                 absl::FormatDuration(min), " (got ",
                                 absl::FormatDuration(value), ")"));
    }
  }

  void Range(const std::string& path, uint64_t value, uint64_t min, uint64_t max) {
    if (value < min || value > max) {
      Problem(path, absl::StrFormat("%u is out of range (%u-%u)", value, min, max));
    }
  }

  void Percent(const std::string& path, double value) {
    if (!(value >= 0 && value <= 100)) {
      Problem(path, absl::StrFormat("%g is not a percentage (0-100)", value));
    }
  }

 private:
  ProblemList& problems_;
};

void CheckLoadBalancing(Checker& c, const LoadBalancing& lb, const std::string& path) {
  c.Range(ChildPath(path, "ring_hash_min_size"), lb.ring_hash_min_size, 1, kMaxRingHashSize);
  if (!IsPrime(lb.maglev_table_size) || lb.maglev_table_size > kMaxMaglevTableSize) {
    c.Problem(ChildPath(path, "maglev_table_size"),
              absl::StrFormat("%u is not a prime between %u and %u (e.g. 65537)",
                              lb.maglev_table_size, kMinMaglevTableSize, kMaxMaglevTableSize));
  }
  c.Duration(ChildPath(path, "ewma_decay"), lb.ewma_decay, absl::ZeroDuration(), false);
  c.Range(ChildPath(path, "panic_threshold_percent"), lb.panic_threshold_percent, 0, 100);
  c.Range(ChildPath(path, "locality_min_healthy_percent"), lb.locality_min_healthy_percent, 0,
          100);
}

void CheckCircuitBreakers(Checker& c, const CircuitBreakers& cb, const std::string& path) {
  c.Percent(ChildPath(path, "retry_budget_percent"), cb.retry_budget_percent);
}

void CheckOutlierDetection(Checker& c, const OutlierDetection& od, const std::string& path) {
  if (!od.enabled) return;
  if (od.consecutive_5xx == 0 && od.consecutive_gateway_errors == 0 && !od.success_rate) {
    c.Problem(path,
              "detects nothing: set consecutive_5xx, consecutive_gateway_errors or "
              "success_rate (or enabled: false)");
  }
  c.Duration(ChildPath(path, "interval"), od.interval, absl::ZeroDuration(), false);
  c.Duration(ChildPath(path, "base_ejection_time"), od.base_ejection_time, absl::ZeroDuration(),
             false);
  c.Duration(ChildPath(path, "max_ejection_time"), od.max_ejection_time, absl::ZeroDuration(),
             false);
  if (od.max_ejection_time < od.base_ejection_time) {
    c.Problem(ChildPath(path, "max_ejection_time"),
              absl::StrCat("must be at least base_ejection_time (",
                           absl::FormatDuration(od.base_ejection_time), ")"));
  }
  c.Range(ChildPath(path, "max_ejection_percent"), od.max_ejection_percent, 0, 100);
  if (od.success_rate) {
    c.Range(ChildPath(path, "success_rate_minimum_hosts"), od.success_rate_minimum_hosts, 1,
            UINT32_MAX);
    c.Range(ChildPath(path, "success_rate_request_volume"), od.success_rate_request_volume, 1,
            UINT32_MAX);
    if (!(od.success_rate_stdev_factor > 0 && od.success_rate_stdev_factor <= 100)) {
      c.Problem(ChildPath(path, "success_rate_stdev_factor"),
                absl::StrFormat("%g is out of range (greater than 0, at most 100)",
                                od.success_rate_stdev_factor));
    }
  }
}

void CheckHealthCheck(Checker& c, const Cluster& cluster, const std::string& path) {
  const HealthCheck& hc = cluster.health_check;
  if (!hc.enabled) return;
  if (cluster.type == Cluster::Type::kOriginalDst) {
    c.Problem(path, "not allowed for type original_dst (it has no endpoints to check)");
  }
  if (!hc.http_path.empty()) {
    bool ok = hc.http_path[0] == '/';
    for (char ch : hc.http_path) {
      if (!absl::ascii_isgraph(static_cast<unsigned char>(ch)) || ch == '#') ok = false;
    }
    if (!ok) {
      c.Problem(ChildPath(path, "http_path"),
                absl::StrFormat("\"%s\" is not a path (must start with \"/\", no spaces)",
                                absl::CHexEscape(hc.http_path)));
    }
  }
  c.Duration(ChildPath(path, "interval"), hc.interval, absl::ZeroDuration(), false);
  c.Duration(ChildPath(path, "timeout"), hc.timeout, absl::ZeroDuration(), false);
  c.Range(ChildPath(path, "healthy_threshold"), hc.healthy_threshold, 1, 1000);
  c.Range(ChildPath(path, "unhealthy_threshold"), hc.unhealthy_threshold, 1, 1000);
}

void CheckRetry(Checker& c, const Route& route, const std::string& path) {
  const RetryPolicy& retry = route.retry;
  bool lists_status_codes = false;
  for (size_t i = 0; i < retry.retry_on.size(); ++i) {
    const std::string item_path = IndexPath(ChildPath(path, "retry_on"), i);
    absl::flat_hash_set<int> grpc_codes;
    absl::StatusOr<uint32_t> parsed = resilience::ParseRetryOn(retry.retry_on[i], &grpc_codes);
    if (retry.retry_on[i].empty() || retry.retry_on[i].find(',') != std::string::npos) {
      c.Problem(item_path, "give one condition per list item");
    } else if (!parsed.ok()) {
      c.Problem(item_path,
                absl::StrFormat("\"%s\" is not a retry condition (5xx, gateway-error, reset, "
                                "connect-failure, refused-stream, retriable-status-codes, "
                                "cancelled, deadline-exceeded, internal, resource-exhausted, "
                                "unavailable)",
                                absl::CHexEscape(retry.retry_on[i])));
    } else if (*parsed & resilience::kRetryOnRetriableStatusCodes) {
      lists_status_codes = true;
    }
  }
  if (retry.num_retries > 0 && retry.retry_on.empty()) {
    c.Problem(ChildPath(path, "retry_on"),
              "required when num_retries is set (e.g. [5xx, connect-failure])");
  }
  c.Range(ChildPath(path, "num_retries"), retry.num_retries, 0, 100);
  for (size_t i = 0; i < retry.retriable_status_codes.size(); ++i) {
    c.Range(IndexPath(ChildPath(path, "retriable_status_codes"), i),
            retry.retriable_status_codes[i], 100, 599);
  }
  if (lists_status_codes && retry.retriable_status_codes.empty()) {
    c.Problem(ChildPath(path, "retriable_status_codes"),
              "required when retry_on lists retriable-status-codes");
  } else if (!lists_status_codes && !retry.retriable_status_codes.empty()) {
    c.Problem(ChildPath(path, "retriable_status_codes"),
              "has no effect unless retry_on lists retriable-status-codes");
  }
  c.Duration(ChildPath(path, "backoff_base"), retry.backoff_base, absl::ZeroDuration(), false);
  if (retry.backoff_max < retry.backoff_base) {
    c.Problem(ChildPath(path, "backoff_max"),
              absl::StrCat("must be at least backoff_base (",
                           absl::FormatDuration(retry.backoff_base), ")"));
  }
  c.Range(ChildPath(path, "max_replay_bytes"), retry.max_replay_bytes, 0, kMaxRetryReplayBytes);
  if (!route.forwards() && retry.num_retries > 0) {
    c.Problem(ChildPath(path, "num_retries"),
              "not allowed on a route that does not forward (redirect, direct_response)");
  }
}

void CheckHashPolicies(Checker& c, const Route& route, const std::string& path) {
  for (size_t i = 0; i < route.hash_policy.size(); ++i) {
    const HashPolicy& h = route.hash_policy[i];
    const std::string hpath = IndexPath(path, i);
    switch (h.kind) {
      case HashPolicy::Kind::kHeader:
        if (!IsToken(h.name)) {
          c.Problem(ChildPath(hpath, "header"),
                    absl::StrFormat("\"%s\" is not a header name", absl::CHexEscape(h.name)));
        }
        break;
      case HashPolicy::Kind::kCookie:
        if (!IsToken(h.name)) {
          c.Problem(ChildPath(hpath, "cookie"),
                    absl::StrFormat("\"%s\" is not a cookie name", absl::CHexEscape(h.name)));
        }
        break;
      case HashPolicy::Kind::kSourceIp:
        break;
    }
  }
}

void CheckRateLimit(Checker& c, const RateLimit& limit, const std::string& path) {
  if (limit.max_tokens == 0) {
    if (limit.tokens_per_fill != 0 || limit.per_source) {
      c.Problem(ChildPath(path, "max_tokens"),
                "required (at least 1) when the rate limit sets anything else");
    }
    return;
  }
  c.Range(ChildPath(path, "tokens_per_fill"), limit.tokens_per_fill, 1, UINT32_MAX);
  c.Duration(ChildPath(path, "fill_interval"), limit.fill_interval, absl::Milliseconds(1), true);
}

void CheckFault(Checker& c, const FaultInjection& fault, const std::string& path) {
  c.Percent(ChildPath(path, "delay_percent"), fault.delay_percent);
  c.Percent(ChildPath(path, "abort_percent"), fault.abort_percent);
  if (fault.delay_percent > 0) {
    c.Duration(ChildPath(path, "delay"), fault.delay, absl::ZeroDuration(), false);
  } else if (fault.delay != absl::ZeroDuration()) {
    c.Problem(ChildPath(path, "delay_percent"), "required (above 0) when delay is set");
  }
  const bool http = fault.abort_http_status != 0;
  const bool grpc = fault.abort_grpc_status >= 0;
  if (http && (fault.abort_http_status < 200 || fault.abort_http_status > 599)) {
    c.Problem(ChildPath(path, "abort_http_status"),
              absl::StrFormat("%d is not an HTTP status (200-599)", fault.abort_http_status));
  }
  if (grpc && (fault.abort_grpc_status < 1 || fault.abort_grpc_status > 16)) {
    c.Problem(ChildPath(path, "abort_grpc_status"),
              absl::StrFormat("%d is not a gRPC error status (1-16)", fault.abort_grpc_status));
  }
  if (http && grpc) {
    c.Problem(ChildPath(path, "abort_grpc_status"),
              "give either abort_http_status or abort_grpc_status, not both");
  } else if (fault.abort_percent > 0 && !http && !grpc) {
    c.Problem(ChildPath(path, "abort_percent"),
              "needs abort_http_status or abort_grpc_status");
  }
}

}  // namespace

void AppendClusterResilienceProblems(const Cluster& cluster, const std::string& path,
                                     ProblemList& problems) {
  Checker c(problems);
  CheckLoadBalancing(c, cluster.load_balancing, ChildPath(path, "load_balancing"));
  CheckCircuitBreakers(c, cluster.circuit_breakers, ChildPath(path, "circuit_breakers"));
  CheckOutlierDetection(c, cluster.outlier_detection, ChildPath(path, "outlier_detection"));
  CheckHealthCheck(c, cluster, ChildPath(path, "health_check"));
}

void AppendRouteResilienceProblems(const Route& route, const std::string& path,
                                   ProblemList& problems) {
  Checker c(problems);
  CheckRetry(c, route, ChildPath(path, "retry"));
  CheckHashPolicies(c, route, ChildPath(path, "hash_policy"));
  CheckRateLimit(c, route.rate_limit, ChildPath(path, "rate_limit"));
  CheckFault(c, route.fault, ChildPath(path, "fault"));
}

}  // namespace weft::config
