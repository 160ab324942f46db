#ifndef WEFT_COMMON_TIME_REAL_TIME_SOURCE_H_
#define WEFT_COMMON_TIME_REAL_TIME_SOURCE_H_

#include "common/time/time_source.h"

namespace weft {

// Reads the system clocks (CLOCK_REALTIME and CLOCK_MONOTONIC). Stateless.
class RealTimeSource final : public TimeSource {
 public:
  absl::Time SystemNow() const override;
  absl::Time MonotonicNow() const override;

  // One process-wide instance, for main.cc files to hand down.
  static RealTimeSource& Instance();
};

}  // namespace weft

#endif  // WEFT_COMMON_TIME_REAL_TIME_SOURCE_H_
