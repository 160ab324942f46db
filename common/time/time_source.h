#ifndef WEFT_COMMON_TIME_TIME_SOURCE_H_
#define WEFT_COMMON_TIME_TIME_SOURCE_H_

#include "absl/time/time.h"

namespace weft {

// The only way Weft code reads the clock. Production code gets RealTimeSource;
// tests get SimulatedTimeSource and move time by hand.
//
//   absl::Time deadline = time.MonotonicNow() + absl::Seconds(5);
//
// Implementations are thread-safe.
class TimeSource {
 public:
  virtual ~TimeSource() = default;

  // Wall-clock time: for certificates, logs and anything shown to people.
  virtual absl::Time SystemNow() const = 0;

  // Monotonic time (never jumps back): for timeouts, rates and latencies. Its
  // epoch is arbitrary; only differences between two readings mean anything.
  virtual absl::Time MonotonicNow() const = 0;
};

}  // namespace weft

#endif  // WEFT_COMMON_TIME_TIME_SOURCE_H_
