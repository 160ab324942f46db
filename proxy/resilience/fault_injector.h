#ifndef WEFT_PROXY_RESILIENCE_FAULT_INJECTOR_H_
#define WEFT_PROXY_RESILIENCE_FAULT_INJECTOR_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/random/random.h"

namespace weft::resilience {

// Chaos testing on a route (Envoy's fault filter): a share of requests is
// delayed by a fixed time before going upstream, and a share is answered
// locally with an HTTP status or a gRPC status instead. The two draws are
// independent, so a request can be delayed and then aborted.
//
//   auto faults = FaultInjector::Create({.delay_percent = 10,
//                                        .delay = absl::Seconds(2),
//                                        .abort_percent = 5, .abort_http_status = 503},
//                                       random);
//   FaultInjector::Decision d = faults->Decide();
//   if (d.delay) ArmTimer(*d.delay, ...);
//   if (d.abort_http_status) Reply(*d.abort_http_status, "fault_injected");
//
// Uses `random` (not owned, must outlive this). Thread-compatible: one per worker.
class FaultInjector {
 public:
  struct Options {
    double delay_percent = 0;  // 0..100 (resolution 0.0001%)
    absl::Duration delay = absl::ZeroDuration();
    double abort_percent = 0;  // 0..100
    // Exactly one of these when abort_percent > 0. The gRPC status is sent
    // with HTTP 200 and grpc-status (trailers-only), as gRPC expects.
    std::optional<int> abort_http_status;  // 200..599
    std::optional<int> abort_grpc_status;  // 1..16
  };
  struct Decision {
    std::optional<absl::Duration> delay;
    std::optional<int> abort_http_status;
    std::optional<int> abort_grpc_status;
  };
  static absl::StatusOr<FaultInjector> Create(const Options& options, RandomGenerator& random);

  Decision Decide();

 private:
  static constexpr uint64_t kScale = 1000000;  // percentages in millionths
  FaultInjector(const Options& options, RandomGenerator& random);

  Options options_;
  RandomGenerator* random_;
  uint64_t delay_millionths_;
  uint64_t abort_millionths_;
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_FAULT_INJECTOR_H_
