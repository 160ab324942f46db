#ifndef WEFT_PROXY_UPSTREAM_LB_CANDIDATES_H_
#define WEFT_PROXY_UPSTREAM_LB_CANDIDATES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/random/random.h"
#include "proxy/upstream/endpoint_set.h"

namespace weft::upstream {

// Options shared by every policy: which endpoints may get traffic at all.
struct CandidateOptions {
  // Panic threshold: when fewer than this share of all endpoints is available
  // (healthy and not ejected), balance over all endpoints, since the health
  // signal is then more likely wrong than most of the cluster being down.
  // 0 disables panic mode.
  uint32_t panic_threshold_percent = 50;
  // The proxy's own zone; empty disables locality preference.
  std::string local_zone;
  // While at least this share of the local zone's endpoints is available,
  // only they get traffic; below it, traffic spills over to the available
  // endpoints of all zones (all at once, like Istio's locality failover, not
  // Envoy's proportional spill).
  uint32_t locality_min_healthy_percent = 70;
};

// Computes, for the current state of an EndpointSet, the endpoints a policy
// chooses among: local-zone available endpoints, else all available
// endpoints, else (panic) all endpoints. Cached until the set's version()
// changes. Also keeps a weighted sampler over the candidates.
//
//   auto candidates = LbCandidates::Create(options);
//   const std::vector<int>& c = candidates->Get(set);
//   int i = candidates->WeightedSample(set, random);
//
// Thread-compatible.
class LbCandidates {
 public:
  // Rejects percentages above 100.
  static absl::StatusOr<LbCandidates> Create(const CandidateOptions& options);

  // Indices of the candidates, in index order; empty only for an empty set.
  const std::vector<int>& Get(const EndpointSet& set);
  // Whether the last Get() fell back to all endpoints / used the local zone only.
  bool in_panic() const { return in_panic_; }
  bool local_zone_only() const { return local_only_; }

  // A candidate drawn with probability weight / total weight; -1 when none.
  // With `excluded` >= 0 and another candidate present, never returns it.
  int WeightedSample(const EndpointSet& set, RandomGenerator& random, int excluded = -1);
  // Like WeightedSample, but every candidate is equally likely.
  int UniformSample(const EndpointSet& set, RandomGenerator& random, int excluded = -1);
  // Two distinct candidates drawn uniformly (for the power of two choices),
  // never `excluded` while another candidate exists. {-1, -1} when there is
  // none; {c, c} when only one candidate c is left.
  std::pair<int, int> UniformPair(const EndpointSet& set, RandomGenerator& random,
                                  int excluded = -1);

 private:
  explicit LbCandidates(const CandidateOptions& options) : options_(options) {}
  void Recompute(const EndpointSet& set);

  CandidateOptions options_;
  bool computed_ = false;
  uint64_t version_ = 0;
  std::vector<int> candidates_;
  std::vector<uint64_t> cumulative_weight_;  // prefix sums over candidates_
  bool in_panic_ = false;
  bool local_only_ = false;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LB_CANDIDATES_H_
