#include "common/time/real_time_source.h"

#include <time.h>

#include "absl/time/clock.h"

namespace weft {

absl::Time RealTimeSource::SystemNow() const { return absl::Now(); }

absl::Time RealTimeSource::MonotonicNow() const {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::TimeFromTimespec(ts);
}

RealTimeSource& RealTimeSource::Instance() {
  static RealTimeSource* const instance = new RealTimeSource();
  return *instance;
}

}  // namespace weft
