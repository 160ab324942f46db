#ifndef WEFT_PROXY_UPSTREAM_LEAST_REQUEST_LB_H_
#define WEFT_PROXY_UPSTREAM_LEAST_REQUEST_LB_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/random/random.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Least request with the power of two choices: draw two candidates in
// proportion to their weights, send to the one with fewer active requests per
// unit of weight (ties go to the first draw). Idle endpoints therefore get
// traffic in proportion to weight, and loaded ones settle where active
// requests are proportional to weight. P2C avoids the herding of "always the
// least loaded" when many proxies see the same counts.
//
//   auto lb = LeastRequestLb::Create({}, endpoints, random);
//   int i = (*lb)->Pick({});
//   endpoints.OnRequestStart(i); ... endpoints.OnRequestEnd(i);
//
// Reads `set` and uses `random` (neither owned; both must outlive this).
// Thread-compatible.
class LeastRequestLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
  };
  static absl::StatusOr<std::unique_ptr<LeastRequestLb>> Create(const Options& options,
                                                                const EndpointSet& set,
                                                                RandomGenerator& random);
  int Pick(const LbContext& context) override;

 private:
  LeastRequestLb(LbCandidates candidates, const EndpointSet& set, RandomGenerator& random)
      : candidates_(std::move(candidates)), set_(set), random_(random) {}

  LbCandidates candidates_;
  const EndpointSet& set_;
  RandomGenerator& random_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LEAST_REQUEST_LB_H_
