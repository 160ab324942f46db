#ifndef WEFT_COMMON_TIME_SIMULATED_TIME_SOURCE_H_
#define WEFT_COMMON_TIME_SIMULATED_TIME_SOURCE_H_

#include "common/sync/mutex.h"

#include "common/time/time_source.h"

namespace weft {

// A clock for tests: it stands still until Advance() moves it.
// Thread-safe.
class SimulatedTimeSource final : public TimeSource {
 public:
  explicit SimulatedTimeSource(
      absl::Time start = absl::FromUnixSeconds(1767225600))  // 2026-01-01
      : system_(start), monotonic_(absl::UnixEpoch() + absl::Hours(1)) {}

  absl::Time SystemNow() const override {
    weft::MutexLock lock(&mu_);
    return system_;
  }
  absl::Time MonotonicNow() const override {
    weft::MutexLock lock(&mu_);
    return monotonic_;
  }

  // Moves both clocks forward by `d` (d >= 0).
  void Advance(absl::Duration d) {
    weft::MutexLock lock(&mu_);
    system_ += d;
    monotonic_ += d;
  }

 private:
  mutable weft::Mutex mu_;
  absl::Time system_ ABSL_GUARDED_BY(mu_);
  absl::Time monotonic_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft

#endif  // WEFT_COMMON_TIME_SIMULATED_TIME_SOURCE_H_
