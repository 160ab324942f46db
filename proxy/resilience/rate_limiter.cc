#include "proxy/resilience/rate_limiter.h"

#include <utility>

namespace weft::resilience {
namespace {

bool SameOptions(const TokenBucket::Options& a, const TokenBucket::Options& b) {
  return a.max_tokens == b.max_tokens && a.tokens_per_fill == b.tokens_per_fill &&
         a.fill_interval == b.fill_interval;
}

}  // namespace

TokenBucket::Decision RateLimiter::Check(absl::string_view key,
                                         const TokenBucket::Options& options) {
  weft::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end() || !SameOptions(it->second.options, options)) {
    absl::StatusOr<TokenBucket> bucket = TokenBucket::Create(options, time_);
    if (!bucket.ok()) return TokenBucket::Decision{true, absl::ZeroDuration()};
    if (it != buckets_.end()) buckets_.erase(it);
    if (buckets_.size() >= max_buckets_) buckets_.clear();
    it = buckets_.emplace(std::string(key), Entry{options, std::move(*bucket)}).first;
  }
  return it->second.bucket.TryConsume(1);
}

size_t RateLimiter::bucket_count() const {
  weft::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace weft::resilience
