#include "proxy/resilience/circuit_breaker.h"

#include <utility>

namespace weft::resilience {

absl::string_view CircuitBreaker::ResourceName(Resource resource) {
  switch (resource) {
    case Resource::kConnection:
      return "cx";
    case Resource::kPendingRequest:
      return "rq_pending";
    case Resource::kRequest:
      return "rq";
    case Resource::kRetry:
      return "rq_retry";
  }
  return "unknown";
}

CircuitBreaker::Handle& CircuitBreaker::Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Release();
    breaker_ = other.breaker_;
    resource_ = other.resource_;
    other.breaker_ = nullptr;
  }
  return *this;
}

void CircuitBreaker::Handle::Release() {
  if (breaker_ == nullptr) return;
  breaker_->Release(resource_);
  breaker_ = nullptr;
}

absl::StatusOr<std::unique_ptr<CircuitBreaker>> CircuitBreaker::Create(const Options& options) {
  std::optional<RetryBudget> budget;
  if (options.retry_budget.has_value()) {
    absl::StatusOr<RetryBudget> b = RetryBudget::Create(*options.retry_budget);
    if (!b.ok()) return b.status();
    budget = *b;
  }
  return std::unique_ptr<CircuitBreaker>(new CircuitBreaker(options, std::move(budget)));
}

uint64_t CircuitBreaker::limit(Resource r) const {
  switch (r) {
    case Resource::kConnection:
      return options_.max_connections;
    case Resource::kPendingRequest:
      return options_.max_pending_requests;
    case Resource::kRequest:
      return options_.max_requests;
    case Resource::kRetry:
      return budget_.has_value() ? budget_->MaxActiveRetries(active(Resource::kRequest))
                                 : options_.max_retries;
  }
  return 0;
}

std::optional<CircuitBreaker::Handle> CircuitBreaker::TryAcquire(Resource resource) {
  const int k = static_cast<int>(resource);
  if (active_[k] >= limit(resource)) {
    ++overflows_[k];
    return std::nullopt;
  }
  ++active_[k];
  return Handle(this, resource);
}

void CircuitBreaker::Release(Resource resource) {
  uint64_t& n = active_[static_cast<int>(resource)];
  if (n > 0) --n;
}

}  // namespace weft::resilience
