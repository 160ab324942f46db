#include "proxy/upstream/ring_hash_lb.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proxy/upstream/lb_hash.h"

namespace weft::upstream {

namespace {
constexpr uint64_t kRingSizeLimit = 8388608;
}  // namespace

absl::StatusOr<std::unique_ptr<RingHashLb>> RingHashLb::Create(const Options& options,
                                                               const EndpointSet& set,
                                                               RandomGenerator& random) {
  std::vector<std::string> problems;
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) problems.push_back(std::string(candidates.status().message()));
  if (options.max_ring_size == 0 || options.max_ring_size > kRingSizeLimit) {
    problems.push_back(
        absl::StrCat("max_ring_size ", options.max_ring_size, " outside 1..", kRingSizeLimit));
  }
  if (options.min_ring_size == 0 || options.min_ring_size > options.max_ring_size) {
    problems.push_back(absl::StrCat("min_ring_size ", options.min_ring_size,
                                    " outside 1..max_ring_size (", options.max_ring_size, ")"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return std::unique_ptr<RingHashLb>(
      new RingHashLb(options, std::move(*candidates), set, random));
}

void RingHashLb::Build(const std::vector<int>& candidates) {
  ring_.clear();
  if (candidates.empty()) return;
  uint64_t total = 0;
  for (int i : candidates) total += set_.info(i).weight;
  // Points per unit of weight: enough for min_ring_size, rounded up to a power
  // of two so that adding or removing an endpoint rarely changes the points of
  // the others (which would move keys between endpoints that stayed).
  uint64_t per_weight = 1;
  while (per_weight * total < options_.min_ring_size) per_weight *= 2;
  while (per_weight > 1 && per_weight * total > options_.max_ring_size) per_weight /= 2;
  for (int i : candidates) {
    const std::string& name = set_.info(i).name;
    uint64_t points = per_weight * set_.info(i).weight;
    if (per_weight * total > options_.max_ring_size) {
      // Weights too large for the ring: scale down, keeping one point each.
      points = std::max<uint64_t>(1, set_.info(i).weight * options_.max_ring_size / total);
    }
    for (uint64_t n = 0; n < points; ++n) {
      ring_.push_back({HashKey(absl::StrCat(name, "_", n)), i});
    }
  }
  std::sort(ring_.begin(), ring_.end(), [](const Point& a, const Point& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.endpoint < b.endpoint;
  });
}

int RingHashLb::Pick(const LbContext& context) {
  const std::vector<int>& candidates = candidates_.Get(set_);
  if (!built_ || version_ != set_.version()) {
    Build(candidates);
    built_ = true;
    version_ = set_.version();
  }
  if (ring_.empty()) return -1;
  if (!context.hash_key.has_value()) {
    return candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
  }
  auto it = std::lower_bound(ring_.begin(), ring_.end(), *context.hash_key,
                             [](const Point& p, uint64_t key) { return p.hash < key; });
  size_t pos = it == ring_.end() ? 0 : it - ring_.begin();
  int chosen = ring_[pos].endpoint;
  if (chosen != context.excluded_endpoint || candidates.size() < 2) return chosen;
  for (size_t step = 1; step < ring_.size(); ++step) {
    int next = ring_[(pos + step) % ring_.size()].endpoint;
    if (next != context.excluded_endpoint) return next;
  }
  return chosen;
}

}  // namespace weft::upstream
