#ifndef WEFT_PROXY_RESILIENCE_RETRY_BUDGET_H_
#define WEFT_PROXY_RESILIENCE_RETRY_BUDGET_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace weft::resilience {

// Envoy's retry budget: a retry may start while
//   active_retries < max(min_retry_concurrency, budget_ratio * active_requests).
// It limits retries relative to the load (a fixed max_retries is either too
// low for a busy cluster or a storm for a quiet one), and the floor keeps a
// quiet cluster able to retry at all. During a full outage the retries in
// flight thus stay at most budget_ratio of the requests in flight (plus the
// floor), instead of multiplying the load by num_retries + 1.
// Chosen over Linkerd's token bucket because it needs no clock and matches
// the circuit breaker's concurrency accounting (CircuitBreaker uses it).
//
//   auto budget = RetryBudget::Create({.budget_ratio = 0.2, .min_retry_concurrency = 3});
//   if (budget->Allows(active_requests, active_retries)) StartRetry();
//
// Immutable after Create: thread-safe.
class RetryBudget {
 public:
  struct Options {
    double budget_ratio = 0.2;           // 0..1
    uint32_t min_retry_concurrency = 3;  // the floor
  };
  static absl::StatusOr<RetryBudget> Create(const Options& options);

  // How many retries may be in flight while `active_requests` requests are.
  uint64_t MaxActiveRetries(uint64_t active_requests) const;
  bool Allows(uint64_t active_requests, uint64_t active_retries) const {
    return active_retries < MaxActiveRetries(active_requests);
  }

 private:
  explicit RetryBudget(const Options& options) : options_(options) {}
  Options options_;
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_RETRY_BUDGET_H_
