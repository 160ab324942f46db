#ifndef WEFT_PROXY_UPSTREAM_RANDOM_LB_H_
#define WEFT_PROXY_UPSTREAM_RANDOM_LB_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/random/random.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Picks a candidate with probability weight / total weight. Needs no shared
// state, so many proxies with it never synchronise into bursts on one endpoint.
//
//   auto lb = RandomLb::Create({}, endpoints, random);
//   int i = (*lb)->Pick({});
//
// Reads `set` and uses `random` (neither owned; both must outlive this).
// Thread-compatible.
class RandomLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
  };
  static absl::StatusOr<std::unique_ptr<RandomLb>> Create(const Options& options,
                                                          const EndpointSet& set,
                                                          RandomGenerator& random);
  int Pick(const LbContext& context) override {
    return candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
  }

 private:
  RandomLb(LbCandidates candidates, const EndpointSet& set, RandomGenerator& random)
      : candidates_(std::move(candidates)), set_(set), random_(random) {}

  LbCandidates candidates_;
  const EndpointSet& set_;
  RandomGenerator& random_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_RANDOM_LB_H_
