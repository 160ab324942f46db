#ifndef WEFT_PROXY_UPSTREAM_ROUND_ROBIN_LB_H_
#define WEFT_PROXY_UPSTREAM_ROUND_ROBIN_LB_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Smooth weighted round robin (nginx's) over the candidates: over any window
// of sum(weights) picks with a stable set, each endpoint gets exactly its
// weight, and picks of one endpoint are spread out rather than bunched.
// A retry skips its excluded endpoint for that pick.
//
//   auto lb = RoundRobinLb::Create({}, endpoints);
//   int i = (*lb)->Pick({});
//
// Reads `set` (not owned, must outlive this). Thread-compatible.
class RoundRobinLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
  };
  static absl::StatusOr<std::unique_ptr<RoundRobinLb>> Create(const Options& options,
                                                              const EndpointSet& set);
  int Pick(const LbContext& context) override;

 private:
  RoundRobinLb(LbCandidates candidates, const EndpointSet& set)
      : candidates_(std::move(candidates)), set_(set) {}

  LbCandidates candidates_;
  const EndpointSet& set_;
  uint64_t membership_version_ = 0;
  std::vector<int64_t> current_;  // per endpoint index
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_ROUND_ROBIN_LB_H_
