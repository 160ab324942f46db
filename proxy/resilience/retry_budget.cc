#include "proxy/resilience/retry_budget.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::resilience {

absl::StatusOr<RetryBudget> RetryBudget::Create(const Options& options) {
  if (!(options.budget_ratio >= 0 && options.budget_ratio <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("retry budget_ratio ", options.budget_ratio, " outside [0, 1]"));
  }
  return RetryBudget(options);
}

uint64_t RetryBudget::MaxActiveRetries(uint64_t active_requests) const {
  uint64_t by_ratio = static_cast<uint64_t>(options_.budget_ratio * active_requests);
  return std::max<uint64_t>(options_.min_retry_concurrency, by_ratio);
}

}  // namespace weft::resilience
