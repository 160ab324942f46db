#include "proxy/upstream/round_robin_lb.h"

#include <utility>

namespace weft::upstream {

absl::StatusOr<std::unique_ptr<RoundRobinLb>> RoundRobinLb::Create(const Options& options,
                                                                   const EndpointSet& set) {
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) return candidates.status();
  return std::unique_ptr<RoundRobinLb>(new RoundRobinLb(std::move(*candidates), set));
}

int RoundRobinLb::Pick(const LbContext& context) {
  if (current_.size() != set_.size() || membership_version_ != set_.membership_version()) {
    current_.assign(set_.size(), 0);
    membership_version_ = set_.membership_version();
  }
  const std::vector<int>& c = candidates_.Get(set_);
  if (c.empty()) return -1;
  if (c.size() == 1) return c[0];
  int excluded = context.excluded_endpoint;
  int best = -1;
  int64_t total = 0;
  for (int i : c) {
    if (i == excluded) continue;
    current_[i] += set_.info(i).weight;
    total += set_.info(i).weight;
    if (best < 0 || current_[i] > current_[best]) best = i;
  }
  current_[best] -= total;
  return best;
}

}  // namespace weft::upstream
