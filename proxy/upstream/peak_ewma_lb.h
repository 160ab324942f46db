#ifndef WEFT_PROXY_UPSTREAM_PEAK_EWMA_LB_H_
#define WEFT_PROXY_UPSTREAM_PEAK_EWMA_LB_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/random/random.h"
#include "common/time/time_source.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Peak-EWMA with the power of two choices (Finagle's, as in Linkerd): two distinct
// candidates drawn uniformly, the cheaper wins, where
//   cost = latency_estimate * (active_requests + 1) / weight.
// The estimate jumps up to any slower observation at once (peak) and otherwise
// moves toward observations as an EWMA whose weight depends on the time since
// the last update: w = exp(-elapsed / decay). Between observations it decays
// toward zero the same way, so an endpoint that was slow gets probed again
// after a while instead of being starved forever. An endpoint with no
// observation yet starts at `default_rtt`, a penalty that makes new endpoints
// earn traffic rather than be flooded.
//
//   auto lb = PeakEwmaLb::Create({}, endpoints, random, time);
//   int i = (*lb)->Pick({});
//   ... (*lb)->OnRequestComplete(i, time.MonotonicNow() - start);
//
// Reads `set`, uses `random` and `time` (none owned; all must outlive this).
// State is per endpoint index and starts over when the set's membership
// changes. Thread-compatible.
class PeakEwmaLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
    absl::Duration decay = absl::Seconds(10);        // > 0
    absl::Duration default_rtt = absl::Milliseconds(30);  // >= 0
  };
  static absl::StatusOr<std::unique_ptr<PeakEwmaLb>> Create(const Options& options,
                                                            const EndpointSet& set,
                                                            RandomGenerator& random,
                                                            const TimeSource& time);
  int Pick(const LbContext& context) override;
  void OnRequestComplete(int i, absl::Duration latency) override;

  // The cost Pick compares (seconds * requests / weight), for tests and stats.
  double Cost(int i);

 private:
  struct Estimate {
    double rtt_seconds = 0;
    absl::Time updated;
  };
  PeakEwmaLb(const Options& options, LbCandidates candidates, const EndpointSet& set,
             RandomGenerator& random, const TimeSource& time)
      : options_(options),
        candidates_(std::move(candidates)),
        set_(set),
        random_(random),
        time_(time) {}
  void SyncMembership();
  // The estimate decayed to `now` (what an observation of zero would give).
  double DecayedRtt(const Estimate& e, absl::Time now) const;

  Options options_;
  LbCandidates candidates_;
  const EndpointSet& set_;
  RandomGenerator& random_;
  const TimeSource& time_;
  bool synced_ = false;
  uint64_t membership_version_ = 0;
  std::vector<Estimate> estimates_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_PEAK_EWMA_LB_H_
