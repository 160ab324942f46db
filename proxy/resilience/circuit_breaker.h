#ifndef WEFT_PROXY_RESILIENCE_CIRCUIT_BREAKER_H_
#define WEFT_PROXY_RESILIENCE_CIRCUIT_BREAKER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proxy/resilience/retry_budget.h"

namespace weft::resilience {

// Envoy-style circuit breaking: per-cluster concurrency limits that fail fast
// (reason `circuit_open`) instead of queueing work an overloaded upstream
// cannot take. Each admitted unit of work holds a Handle; dropping it gives
// the slot back. Refusals are counted per resource for stats.
// With a retry budget, the retry limit is the budget's (relative to active
// requests) instead of max_retries.
//
//   auto breaker = CircuitBreaker::Create({.max_requests = 100});
//   std::optional<CircuitBreaker::Handle> slot =
//       breaker->TryAcquire(CircuitBreaker::Resource::kRequest);
//   if (!slot) return Reply(503, "circuit_open");
//   request.set_slot(std::move(*slot));  // released when the request ends
//
// Handles must not outlive the breaker. Thread-compatible: one per worker and
// cluster (limits are then per worker, as Envoy's are per worker too when
// configured per-worker).
class CircuitBreaker {
 public:
  enum class Resource { kConnection = 0, kPendingRequest, kRequest, kRetry };
  static constexpr int kResourceCount = 4;
  static absl::string_view ResourceName(Resource resource);

  struct Options {
    uint32_t max_connections = 1024;
    uint32_t max_pending_requests = 1024;
    uint32_t max_requests = 1024;
    uint32_t max_retries = 3;
    std::optional<RetryBudget::Options> retry_budget;  // replaces max_retries
  };

  // A held slot; movable, releases on destruction or Release().
  class Handle {
   public:
    Handle(Handle&& other) noexcept : breaker_(other.breaker_), resource_(other.resource_) {
      other.breaker_ = nullptr;
    }
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { Release(); }
    void Release();
    Resource resource() const { return resource_; }

   private:
    friend class CircuitBreaker;
    Handle(CircuitBreaker* breaker, Resource resource) : breaker_(breaker), resource_(resource) {}
    CircuitBreaker* breaker_;
    Resource resource_;
  };

  // Heap-allocated and pinned, since handles point at it.
  static absl::StatusOr<std::unique_ptr<CircuitBreaker>> Create(const Options& options);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // A slot for `resource`, or nullopt (and the overflow counted) at the limit.
  std::optional<Handle> TryAcquire(Resource resource);

  uint64_t active(Resource r) const { return active_[static_cast<int>(r)]; }
  uint64_t overflows(Resource r) const { return overflows_[static_cast<int>(r)]; }
  // The current limit (for retries with a budget, it moves with active requests).
  uint64_t limit(Resource r) const;

 private:
  CircuitBreaker(const Options& options, std::optional<RetryBudget> budget)
      : options_(options), budget_(std::move(budget)) {}
  void Release(Resource resource);

  Options options_;
  std::optional<RetryBudget> budget_;
  std::array<uint64_t, kResourceCount> active_{};
  std::array<uint64_t, kResourceCount> overflows_{};
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_CIRCUIT_BREAKER_H_
