#include "proxy/upstream/peak_ewma_lb.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::upstream {

absl::StatusOr<std::unique_ptr<PeakEwmaLb>> PeakEwmaLb::Create(const Options& options,
                                                               const EndpointSet& set,
                                                               RandomGenerator& random,
                                                               const TimeSource& time) {
  std::vector<std::string> problems;
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) problems.push_back(std::string(candidates.status().message()));
  if (options.decay <= absl::ZeroDuration() || options.decay == absl::InfiniteDuration()) {
    problems.push_back(
        absl::StrCat("decay must be positive and finite, got ", absl::FormatDuration(options.decay)));
  }
  if (options.default_rtt < absl::ZeroDuration() ||
      options.default_rtt == absl::InfiniteDuration()) {
    problems.push_back(absl::StrCat("default_rtt must be >= 0 and finite, got ",
                                    absl::FormatDuration(options.default_rtt)));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return std::unique_ptr<PeakEwmaLb>(
      new PeakEwmaLb(options, std::move(*candidates), set, random, time));
}

void PeakEwmaLb::SyncMembership() {
  if (synced_ && membership_version_ == set_.membership_version() &&
      estimates_.size() == set_.size()) {
    return;
  }
  synced_ = true;
  membership_version_ = set_.membership_version();
  Estimate fresh{absl::ToDoubleSeconds(options_.default_rtt), time_.MonotonicNow()};
  estimates_.assign(set_.size(), fresh);
}

double PeakEwmaLb::DecayedRtt(const Estimate& e, absl::Time now) const {
  double elapsed = absl::ToDoubleSeconds(now - e.updated);
  if (elapsed <= 0) return e.rtt_seconds;
  return e.rtt_seconds * std::exp(-elapsed / absl::ToDoubleSeconds(options_.decay));
}

double PeakEwmaLb::Cost(int i) {
  SyncMembership();
  double rtt = DecayedRtt(estimates_[i], time_.MonotonicNow());
  return rtt * (set_.active_requests(i) + 1.0) / set_.info(i).weight;
}

int PeakEwmaLb::Pick(const LbContext& context) {
  SyncMembership();
  auto [a, b] = candidates_.UniformPair(set_, random_, context.excluded_endpoint);
  if (a < 0 || a == b) return a;
  return Cost(b) < Cost(a) ? b : a;
}

void PeakEwmaLb::OnRequestComplete(int i, absl::Duration latency) {
  SyncMembership();
  if (i < 0 || static_cast<size_t>(i) >= estimates_.size()) return;
  Estimate& e = estimates_[i];
  absl::Time now = time_.MonotonicNow();
  double rtt = absl::ToDoubleSeconds(std::max(latency, absl::ZeroDuration()));
  if (rtt > e.rtt_seconds) {
    e.rtt_seconds = rtt;  // peak: react to slowness at once
  } else {
    double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - e.updated));
    double w = std::exp(-elapsed / absl::ToDoubleSeconds(options_.decay));
    e.rtt_seconds = e.rtt_seconds * w + rtt * (1 - w);
  }
  e.updated = now;
}

}  // namespace weft::upstream
