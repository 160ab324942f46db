#ifndef WEFT_PROXY_XDS_BACKOFF_H_
#define WEFT_PROXY_XDS_BACKOFF_H_

#include <algorithm>
#include <cstdint>

#include "absl/time/time.h"
#include "common/random/random.h"

namespace weft::xds {

// Exponential backoff with full jitter: the n-th wait is uniform in
// [0, min(max, base * 2^n)], so that many proxies reconnecting to a restarted
// control plane spread out instead of arriving together.
// Thread-compatible.
class Backoff {
 public:
  Backoff(absl::Duration base, absl::Duration max, RandomGenerator& random)
      : base_(base), max_(max), random_(random) {}

  absl::Duration Next() {
    absl::Duration ceiling = base_;
    for (int i = 0; i < attempt_ && ceiling < max_; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, max_);
    ++attempt_;
    const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(ceiling));
    return absl::Milliseconds(static_cast<int64_t>(random_.Uniform(static_cast<uint64_t>(ms) + 1)));
  }
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  const absl::Duration base_;
  const absl::Duration max_;
  RandomGenerator& random_;
  int attempt_ = 0;
};

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_BACKOFF_H_
