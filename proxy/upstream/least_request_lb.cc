#include "proxy/upstream/least_request_lb.h"

#include <utility>

namespace weft::upstream {

absl::StatusOr<std::unique_ptr<LeastRequestLb>> LeastRequestLb::Create(
    const Options& options, const EndpointSet& set, RandomGenerator& random) {
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) return candidates.status();
  return std::unique_ptr<LeastRequestLb>(
      new LeastRequestLb(std::move(*candidates), set, random));
}

int LeastRequestLb::Pick(const LbContext& context) {
  int a = candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
  if (a < 0) return -1;
  int b = candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
  // active_a / weight_a <= active_b / weight_b, without division.
  uint64_t cost_a = uint64_t{set_.active_requests(a)} * set_.info(b).weight;
  uint64_t cost_b = uint64_t{set_.active_requests(b)} * set_.info(a).weight;
  return cost_a <= cost_b ? a : b;
}

}  // namespace weft::upstream
