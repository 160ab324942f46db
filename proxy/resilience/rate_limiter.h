#ifndef WEFT_PROXY_RESILIENCE_RATE_LIMITER_H_
#define WEFT_PROXY_RESILIENCE_RATE_LIMITER_H_

#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "proxy/resilience/token_bucket.h"

namespace weft::resilience {

// The token buckets of local rate limiting, shared by every worker of the
// process so that a route's rate is the configured one whatever the number of
// workers. One bucket per key (a route, or a route and a caller); a bucket
// whose limits changed with a config update starts again full. The number of
// buckets is bounded: past `max_buckets` (a flood of distinct callers) the
// table starts over rather than grow.
//
//   TokenBucket::Decision d = limiter.Check("reviews/route-0", options);
//   if (!d.allowed) -> 429 with retry-after: ceil(d.retry_after)
//
// Thread-safe; one short lock per check, taken only for rate-limited routes.
class RateLimiter {
 public:
  explicit RateLimiter(const TimeSource& time, size_t max_buckets = 10000)
      : time_(time), max_buckets_(max_buckets) {}

  // Invalid options (validation rejects them earlier) allow the request.
  TokenBucket::Decision Check(absl::string_view key, const TokenBucket::Options& options);
  size_t bucket_count() const;

 private:
  struct Entry {
    TokenBucket::Options options;
    TokenBucket bucket;
  };
  const TimeSource& time_;
  const size_t max_buckets_;
  mutable weft::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_RATE_LIMITER_H_
