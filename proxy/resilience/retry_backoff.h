#ifndef WEFT_PROXY_RESILIENCE_RETRY_BACKOFF_H_
#define WEFT_PROXY_RESILIENCE_RETRY_BACKOFF_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/random/random.h"

namespace weft::resilience {

// Exponential backoff with full jitter (AWS's "Exponential Backoff and
// Jitter"): the n-th wait (n from 0) is uniform in [0, min(max, base * 2^n)).
// Full jitter spreads the retries of many clients that failed together, which
// is what stops a retry storm from re-synchronising.
//
//   auto backoff = RetryBackoff::Create({.base = absl::Milliseconds(25)}, random);
//   dispatcher.ArmTimer(backoff->Next(), [] { SendRetry(); });
//   ... on success: backoff->Reset();
//
// Uses `random` (not owned, must outlive this). Thread-compatible: one per request.
class RetryBackoff {
 public:
  struct Options {
    absl::Duration base = absl::Milliseconds(25);  // > 0
    absl::Duration max = absl::Milliseconds(250);  // >= base
  };
  static absl::StatusOr<RetryBackoff> Create(const Options& options, RandomGenerator& random);

  absl::Duration Next();
  void Reset() { attempt_ = 0; }
  // The upper bound of the next wait.
  absl::Duration NextCeiling() const;

 private:
  RetryBackoff(const Options& options, RandomGenerator& random)
      : options_(options), random_(&random) {}

  Options options_;
  RandomGenerator* random_;
  uint32_t attempt_ = 0;
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_RETRY_BACKOFF_H_
