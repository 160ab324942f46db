#ifndef WEFT_PROXY_RESILIENCE_TOKEN_BUCKET_H_
#define WEFT_PROXY_RESILIENCE_TOKEN_BUCKET_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"

namespace weft::resilience {

// Local rate limiting (Envoy's local_ratelimit token bucket): the bucket holds
// up to `max_tokens` (the burst) and gains `tokens_per_fill` every
// `fill_interval`, in whole steps, so the allowed rate is
// tokens_per_fill / fill_interval. It starts full. A refused request learns
// when enough tokens will be there, for a `retry-after` header.
//
//   auto bucket = TokenBucket::Create({.max_tokens = 100, .tokens_per_fill = 10,
//                                      .fill_interval = absl::Seconds(1)}, time);
//   TokenBucket::Decision d = bucket->TryConsume();
//   if (!d.allowed) return Reply(429, "rate_limited", RetryAfter(d.retry_after));
//
// Uses `time` (not owned, must outlive this). Thread-compatible: one per worker.
class TokenBucket {
 public:
  struct Options {
    uint32_t max_tokens = 1;        // >= 1
    uint32_t tokens_per_fill = 1;   // >= 1
    absl::Duration fill_interval = absl::Seconds(1);  // >= 1 ms
  };
  struct Decision {
    bool allowed = false;
    absl::Duration retry_after;  // zero when allowed
  };
  static absl::StatusOr<TokenBucket> Create(const Options& options, const TimeSource& time);

  // Takes `n` tokens if all are there. n = 0 counts as 1; n > max_tokens can
  // never be allowed (retry_after is infinite).
  Decision TryConsume(uint32_t n = 1);
  uint32_t tokens();

 private:
  TokenBucket(const Options& options, const TimeSource& time)
      : options_(options),
        time_(&time),
        tokens_(options.max_tokens),
        last_fill_(time.MonotonicNow()) {}
  void Refill(absl::Time now);

  Options options_;
  const TimeSource* time_;
  uint64_t tokens_;
  absl::Time last_fill_;  // the time of the last whole fill step
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_TOKEN_BUCKET_H_
