#include "proxy/resilience/retry_backoff.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::resilience {

absl::StatusOr<RetryBackoff> RetryBackoff::Create(const Options& options,
                                                  RandomGenerator& random) {
  if (options.base <= absl::ZeroDuration() || options.base == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backoff base must be positive and finite, got ", absl::FormatDuration(options.base)));
  }
  if (options.max < options.base || options.max == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backoff max (", absl::FormatDuration(options.max), ") must be finite and >= base (",
        absl::FormatDuration(options.base), ")"));
  }
  return RetryBackoff(options, random);
}

absl::Duration RetryBackoff::NextCeiling() const {
  absl::Duration ceiling = options_.base;
  for (uint32_t n = 0; n < attempt_ && ceiling < options_.max; ++n) ceiling *= 2;
  return std::min(ceiling, options_.max);
}

absl::Duration RetryBackoff::Next() {
  int64_t ceiling_ns = absl::ToInt64Nanoseconds(NextCeiling());
  if (attempt_ < 64) ++attempt_;
  return absl::Nanoseconds(random_->Uniform(static_cast<uint64_t>(ceiling_ns)));
}

}  // namespace weft::resilience
