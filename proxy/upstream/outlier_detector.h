#ifndef WEFT_PROXY_UPSTREAM_OUTLIER_DETECTOR_H_
#define WEFT_PROXY_UPSTREAM_OUTLIER_DETECTOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proxy/upstream/endpoint_set.h"

namespace weft::upstream {

// How one request to an endpoint ended, as far as outlier detection cares.
enum class UpstreamResult {
  kSuccess,         // a response below 500
  kHttp5xx,         // 500, 501, 505..599
  kGatewayError,    // 502, 503, 504
  kConnectFailure,  // connect refused/timed out, reset before a response
};
// 1xx-4xx -> kSuccess, 502/503/504 -> kGatewayError, other 5xx -> kHttp5xx.
UpstreamResult ResultFromHttpStatus(int status);

// Passive health checking (Envoy's outlier detection): ejects an endpoint
//  - after `consecutive_5xx` 5xx/gateway errors/connect failures in a row,
//  - after `consecutive_gateway_failure` gateway errors/connect failures in a row,
//  - on Evaluate(), when its success rate over the interval since the last
//    Evaluate() falls below mean - stdev_factor * stdev of the endpoints with
//    at least `success_rate_request_volume` requests (needs at least
//    `success_rate_minimum_hosts` such endpoints),
// and returns it once base_ejection_time * times_ejected (capped at
// max_ejection_time) has passed; that check runs in Evaluate() and lazily in
// OnResult(). An endpoint that stays un-ejected for a whole Evaluate() interval
// has its times_ejected lowered by one. No ejection happens while
// max_ejection_percent of the endpoints are already ejected (so, like Envoy,
// one endpoint of a small cluster can always be ejected).
// The verdict is written into the EndpointSet (SetEjected), which balancers
// read. State is kept per endpoint name, so it survives EndpointSet::Update();
// endpoints that left are forgotten on the next Evaluate().
//
//   auto detector = OutlierDetector::Create(options, endpoints);
//   (*detector)->OnResult(i, ResultFromHttpStatus(503), time.MonotonicNow());
//   every 10 s: (*detector)->Evaluate(time.MonotonicNow());
//
// Writes to `set` (not owned, must outlive this). Thread-compatible: use on
// the owning worker's thread only.
class OutlierDetector {
 public:
  struct Options {
    uint32_t consecutive_5xx = 5;              // 0 disables
    uint32_t consecutive_gateway_failure = 5;  // 0 disables
    bool success_rate_enabled = true;
    uint32_t success_rate_minimum_hosts = 5;
    uint32_t success_rate_request_volume = 100;
    double success_rate_stdev_factor = 1.9;  // > 0
    absl::Duration base_ejection_time = absl::Seconds(30);
    absl::Duration max_ejection_time = absl::Seconds(300);
    uint32_t max_ejection_percent = 10;  // 0..100
  };
  struct Stats {
    uint64_t ejections_total = 0;  // every ejection, of any kind
    uint64_t ejections_consecutive_5xx = 0;
    uint64_t ejections_consecutive_gateway_failure = 0;
    uint64_t ejections_success_rate = 0;
    uint64_t ejections_overflow = 0;  // wanted but skipped for max_ejection_percent
    uint64_t ejections_active = 0;    // currently ejected
  };

  static absl::StatusOr<std::unique_ptr<OutlierDetector>> Create(const Options& options,
                                                                 EndpointSet& set);

  // Records one result for endpoint `i` (an index into the set).
  void OnResult(int i, UpstreamResult result, absl::Time now);
  // Success-rate ejection over the interval since the last call, returns of
  // endpoints whose ejection time passed, forgetting endpoints that left.
  void Evaluate(absl::Time now);

  const Stats& stats() const { return stats_; }
  // How many times endpoint `name` was ejected (decays while it behaves).
  uint32_t times_ejected(const std::string& name) const;

 private:
  enum class Reason { kConsecutive5xx, kConsecutiveGateway, kSuccessRate };
  struct State {
    uint32_t consecutive_5xx = 0;
    uint32_t consecutive_gateway = 0;
    uint64_t successes = 0;  // this interval
    uint64_t failures = 0;   // this interval
    uint32_t times_ejected = 0;
    bool ejected = false;
    absl::Time ejected_until;
  };
  OutlierDetector(const Options& options, EndpointSet& set) : options_(options), set_(set) {}

  // Ejects `i` unless the cap is reached; returns whether it did.
  bool TryEject(int i, State& state, Reason reason, absl::Time now);
  void MaybeReturn(int i, State& state, absl::Time now);
  uint64_t EjectedCount() const;

  Options options_;
  EndpointSet& set_;
  absl::flat_hash_map<std::string, State> states_;
  Stats stats_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_OUTLIER_DETECTOR_H_
