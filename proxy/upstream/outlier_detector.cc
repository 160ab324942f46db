#include "proxy/upstream/outlier_detector.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::upstream {

UpstreamResult ResultFromHttpStatus(int status) {
  if (status == 502 || status == 503 || status == 504) return UpstreamResult::kGatewayError;
  if (status >= 500 && status <= 599) return UpstreamResult::kHttp5xx;
  return UpstreamResult::kSuccess;
}

absl::StatusOr<std::unique_ptr<OutlierDetector>> OutlierDetector::Create(const Options& options,
                                                                         EndpointSet& set) {
  std::vector<std::string> problems;
  if (options.max_ejection_percent > 100) {
    problems.push_back(
        absl::StrCat("max_ejection_percent ", options.max_ejection_percent, " is above 100"));
  }
  if (!(options.success_rate_stdev_factor > 0)) {
    problems.push_back(absl::StrCat("success_rate_stdev_factor must be positive, got ",
                                    options.success_rate_stdev_factor));
  }
  if (options.base_ejection_time <= absl::ZeroDuration()) {
    problems.push_back(absl::StrCat("base_ejection_time must be positive, got ",
                                    absl::FormatDuration(options.base_ejection_time)));
  }
  if (options.max_ejection_time < options.base_ejection_time) {
    problems.push_back(absl::StrCat("max_ejection_time (",
                                    absl::FormatDuration(options.max_ejection_time),
                                    ") is below base_ejection_time (",
                                    absl::FormatDuration(options.base_ejection_time), ")"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return std::unique_ptr<OutlierDetector>(new OutlierDetector(options, set));
}

uint64_t OutlierDetector::EjectedCount() const {
  uint64_t n = 0;
  for (size_t i = 0; i < set_.size(); ++i) n += set_.ejected(static_cast<int>(i)) ? 1 : 0;
  return n;
}

bool OutlierDetector::TryEject(int i, State& state, Reason reason, absl::Time now) {
  if (state.ejected) return false;
  // Like Envoy: eject while the share already ejected is below the cap.
  if (EjectedCount() * 100 >= uint64_t{options_.max_ejection_percent} * set_.size()) {
    ++stats_.ejections_overflow;
    return false;
  }
  ++state.times_ejected;
  absl::Duration duration =
      std::min(options_.base_ejection_time * state.times_ejected, options_.max_ejection_time);
  state.ejected = true;
  state.ejected_until = now + duration;
  state.consecutive_5xx = 0;
  state.consecutive_gateway = 0;
  set_.SetEjected(i, true);
  ++stats_.ejections_total;
  ++stats_.ejections_active;
  switch (reason) {
    case Reason::kConsecutive5xx:
      ++stats_.ejections_consecutive_5xx;
      break;
    case Reason::kConsecutiveGateway:
      ++stats_.ejections_consecutive_gateway_failure;
      break;
    case Reason::kSuccessRate:
      ++stats_.ejections_success_rate;
      break;
  }
  return true;
}

void OutlierDetector::MaybeReturn(int i, State& state, absl::Time now) {
  if (!state.ejected || now < state.ejected_until) return;
  state.ejected = false;
  state.successes = 0;
  state.failures = 0;
  set_.SetEjected(i, false);
  --stats_.ejections_active;
}

void OutlierDetector::OnResult(int i, UpstreamResult result, absl::Time now) {
  if (i < 0 || static_cast<size_t>(i) >= set_.size()) return;
  State& state = states_[set_.info(i).name];
  MaybeReturn(i, state, now);
  if (result == UpstreamResult::kSuccess) {
    ++state.successes;
    state.consecutive_5xx = 0;
    state.consecutive_gateway = 0;
    return;
  }
  ++state.failures;
  ++state.consecutive_5xx;
  if (result == UpstreamResult::kGatewayError || result == UpstreamResult::kConnectFailure) {
    ++state.consecutive_gateway;
  } else {
    state.consecutive_gateway = 0;
  }
  if (state.ejected) return;
  if (options_.consecutive_gateway_failure > 0 &&
      state.consecutive_gateway >= options_.consecutive_gateway_failure) {
    TryEject(i, state, Reason::kConsecutiveGateway, now);
  } else if (options_.consecutive_5xx > 0 && state.consecutive_5xx >= options_.consecutive_5xx) {
    TryEject(i, state, Reason::kConsecutive5xx, now);
  }
}

void OutlierDetector::Evaluate(absl::Time now) {
  // Forget endpoints that left the set; their ejection leaves with them.
  for (auto it = states_.begin(); it != states_.end();) {
    auto current = it++;
    if (set_.IndexOf(current->first) < 0) {
      if (current->second.ejected) --stats_.ejections_active;
      states_.erase(current);
    }
  }
  // Returns, and the decay of times_ejected for endpoints that behaved.
  for (size_t k = 0; k < set_.size(); ++k) {
    int i = static_cast<int>(k);
    State& state = states_[set_.info(i).name];
    bool was_ejected = state.ejected;
    MaybeReturn(i, state, now);
    if (!was_ejected && state.times_ejected > 0) --state.times_ejected;
  }
  // Success rate among endpoints with enough volume this interval.
  if (options_.success_rate_enabled) {
    struct Rate {
      int i;
      double rate;
    };
    std::vector<Rate> rates;
    for (size_t k = 0; k < set_.size(); ++k) {
      int i = static_cast<int>(k);
      const State& state = states_[set_.info(i).name];
      uint64_t total = state.successes + state.failures;
      if (state.ejected || total == 0 || total < options_.success_rate_request_volume) continue;
      rates.push_back({i, static_cast<double>(state.successes) / total});
    }
    if (!rates.empty() && rates.size() >= options_.success_rate_minimum_hosts) {
      double mean = 0;
      for (const Rate& r : rates) mean += r.rate;
      mean /= rates.size();
      double variance = 0;
      for (const Rate& r : rates) variance += (r.rate - mean) * (r.rate - mean);
      double stdev = std::sqrt(variance / rates.size());
      double threshold = mean - options_.success_rate_stdev_factor * stdev;
      for (const Rate& r : rates) {
        if (r.rate < threshold) {
          TryEject(r.i, states_[set_.info(r.i).name], Reason::kSuccessRate, now);
        }
      }
    }
  }
  for (auto& [name, state] : states_) {
    state.successes = 0;
    state.failures = 0;
  }
}

uint32_t OutlierDetector::times_ejected(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? 0 : it->second.times_ejected;
}

}  // namespace weft::upstream
