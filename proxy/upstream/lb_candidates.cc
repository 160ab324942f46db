#include "proxy/upstream/lb_candidates.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::upstream {

absl::StatusOr<LbCandidates> LbCandidates::Create(const CandidateOptions& options) {
  std::vector<std::string> problems;
  if (options.panic_threshold_percent > 100) {
    problems.push_back(absl::StrCat("panic_threshold_percent ", options.panic_threshold_percent,
                                    " is above 100"));
  }
  if (options.locality_min_healthy_percent > 100) {
    problems.push_back(absl::StrCat("locality_min_healthy_percent ",
                                    options.locality_min_healthy_percent, " is above 100"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return LbCandidates(options);
}

const std::vector<int>& LbCandidates::Get(const EndpointSet& set) {
  if (!computed_ || version_ != set.version()) Recompute(set);
  return candidates_;
}

void LbCandidates::Recompute(const EndpointSet& set) {
  computed_ = true;
  version_ = set.version();
  candidates_.clear();
  in_panic_ = false;
  local_only_ = false;
  const int n = static_cast<int>(set.size());

  if (!options_.local_zone.empty()) {
    int local = 0;
    for (int i = 0; i < n; ++i) {
      if (set.info(i).zone != options_.local_zone) continue;
      ++local;
      if (set.available(i)) candidates_.push_back(i);
    }
    uint64_t available = candidates_.size();
    if (!candidates_.empty() &&
        available * 100 >= uint64_t{options_.locality_min_healthy_percent} * local) {
      local_only_ = true;
    } else {
      candidates_.clear();
    }
  }
  if (!local_only_) {
    for (int i = 0; i < n; ++i) {
      if (set.available(i)) candidates_.push_back(i);
    }
    if (candidates_.empty() ||
        uint64_t{candidates_.size()} * 100 < uint64_t{options_.panic_threshold_percent} * n) {
      in_panic_ = n > 0;
      candidates_.clear();
      for (int i = 0; i < n; ++i) candidates_.push_back(i);
    }
  }
  cumulative_weight_.clear();
  uint64_t total = 0;
  for (int i : candidates_) {
    total += set.info(i).weight;
    cumulative_weight_.push_back(total);
  }
}

int LbCandidates::WeightedSample(const EndpointSet& set, RandomGenerator& random, int excluded) {
  const std::vector<int>& c = Get(set);
  if (c.empty()) return -1;
  if (c.size() == 1) return c[0];
  uint64_t total = cumulative_weight_.back();
  uint64_t excluded_weight = 0;
  size_t excluded_pos = c.size();
  if (excluded >= 0) {
    auto it = std::lower_bound(c.begin(), c.end(), excluded);
    if (it != c.end() && *it == excluded) {
      excluded_pos = it - c.begin();
      excluded_weight = set.info(excluded).weight;
    }
  }
  // Draw over the total without the excluded endpoint's share, then skip it.
  uint64_t r = random.Uniform(total - excluded_weight);
  if (excluded_pos < c.size() &&
      r >= (excluded_pos == 0 ? 0 : cumulative_weight_[excluded_pos - 1])) {
    r += excluded_weight;
  }
  size_t pos = std::upper_bound(cumulative_weight_.begin(), cumulative_weight_.end(), r) -
               cumulative_weight_.begin();
  return c[pos];
}

int LbCandidates::UniformSample(const EndpointSet& set, RandomGenerator& random, int excluded) {
  const std::vector<int>& c = Get(set);
  if (c.empty()) return -1;
  if (c.size() == 1) return c[0];
  auto it = std::lower_bound(c.begin(), c.end(), excluded);
  if (excluded < 0 || it == c.end() || *it != excluded) return c[random.Uniform(c.size())];
  size_t excluded_pos = it - c.begin();
  size_t pos = random.Uniform(c.size() - 1);
  if (pos >= excluded_pos) ++pos;
  return c[pos];
}

std::pair<int, int> LbCandidates::UniformPair(const EndpointSet& set, RandomGenerator& random,
                                              int excluded) {
  const std::vector<int>& c = Get(set);
  if (c.empty()) return {-1, -1};
  size_t excluded_pos = c.size();
  auto it = std::lower_bound(c.begin(), c.end(), excluded);
  if (excluded >= 0 && it != c.end() && *it == excluded && c.size() > 1) {
    excluded_pos = it - c.begin();
  }
  const size_t n = c.size() - (excluded_pos < c.size() ? 1 : 0);
  // Positions among the n eligible candidates, mapped past the excluded one.
  auto at = [&](size_t pos) { return c[pos >= excluded_pos ? pos + 1 : pos]; };
  if (n == 1) return {at(0), at(0)};
  size_t a = random.Uniform(n);
  size_t b = random.Uniform(n - 1);
  if (b >= a) ++b;
  return {at(a), at(b)};
}

}  // namespace weft::upstream
