#include "proxy/upstream/load_balancer.h"

namespace weft::upstream {

WeightedRoundRobin::WeightedRoundRobin(std::vector<uint32_t> weights)
    : current_(weights.size(), 0) {
  for (uint32_t w : weights) {
    weights_.push_back(w == 0 ? 1 : w);
    total_ += weights_.back();
  }
}

int WeightedRoundRobin::Pick() {
  if (weights_.empty()) return -1;
  if (weights_.size() == 1) return 0;
  int best = 0;
  for (size_t i = 0; i < weights_.size(); ++i) {
    current_[i] += weights_[i];
    if (current_[i] > current_[best]) best = static_cast<int>(i);
  }
  current_[best] -= total_;
  return best;
}

}  // namespace weft::upstream
