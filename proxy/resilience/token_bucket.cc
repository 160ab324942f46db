#include "proxy/resilience/token_bucket.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::resilience {

absl::StatusOr<TokenBucket> TokenBucket::Create(const Options& options, const TimeSource& time) {
  std::vector<std::string> problems;
  if (options.max_tokens == 0) problems.push_back("max_tokens must be at least 1");
  if (options.tokens_per_fill == 0) problems.push_back("tokens_per_fill must be at least 1");
  if (options.fill_interval < absl::Milliseconds(1) ||
      options.fill_interval == absl::InfiniteDuration()) {
    problems.push_back(absl::StrCat("fill_interval must be finite and at least 1ms, got ",
                                    absl::FormatDuration(options.fill_interval)));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return TokenBucket(options, time);
}

void TokenBucket::Refill(absl::Time now) {
  if (now <= last_fill_) return;
  int64_t steps = (now - last_fill_) / options_.fill_interval;
  if (steps <= 0) return;
  last_fill_ += options_.fill_interval * steps;
  uint64_t gained = static_cast<uint64_t>(steps) * options_.tokens_per_fill;
  if (steps > int64_t{options_.max_tokens}) gained = options_.max_tokens;  // no overflow
  tokens_ = std::min<uint64_t>(options_.max_tokens, tokens_ + gained);
}

uint32_t TokenBucket::tokens() {
  Refill(time_->MonotonicNow());
  return static_cast<uint32_t>(tokens_);
}

TokenBucket::Decision TokenBucket::TryConsume(uint32_t n) {
  absl::Time now = time_->MonotonicNow();
  Refill(now);
  n = std::max<uint32_t>(1, n);
  if (n > options_.max_tokens) return {false, absl::InfiniteDuration()};
  if (tokens_ >= n) {
    tokens_ -= n;
    return {true, absl::ZeroDuration()};
  }
  uint64_t missing = n - tokens_;
  uint64_t steps = (missing + options_.tokens_per_fill - 1) / options_.tokens_per_fill;
  absl::Time ready = last_fill_ + options_.fill_interval * static_cast<int64_t>(steps);
  return {false, ready - now};
}

}  // namespace weft::resilience
