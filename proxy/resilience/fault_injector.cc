#include "proxy/resilience/fault_injector.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::resilience {

absl::StatusOr<FaultInjector> FaultInjector::Create(const Options& options,
                                                    RandomGenerator& random) {
  std::vector<std::string> problems;
  if (!(options.delay_percent >= 0 && options.delay_percent <= 100)) {
    problems.push_back(absl::StrCat("delay_percent ", options.delay_percent, " outside 0..100"));
  }
  if (!(options.abort_percent >= 0 && options.abort_percent <= 100)) {
    problems.push_back(absl::StrCat("abort_percent ", options.abort_percent, " outside 0..100"));
  }
  if (options.delay < absl::ZeroDuration() || options.delay == absl::InfiniteDuration()) {
    problems.push_back(absl::StrCat("delay must be finite and >= 0, got ",
                                    absl::FormatDuration(options.delay)));
  }
  if (options.delay_percent > 0 && options.delay == absl::ZeroDuration()) {
    problems.push_back("delay_percent is set but delay is zero");
  }
  if (options.abort_http_status.has_value() && options.abort_grpc_status.has_value()) {
    problems.push_back("set abort_http_status or abort_grpc_status, not both");
  }
  if (options.abort_percent > 0 && !options.abort_http_status.has_value() &&
      !options.abort_grpc_status.has_value()) {
    problems.push_back("abort_percent is set but neither abort_http_status nor abort_grpc_status");
  }
  if (options.abort_http_status.has_value() &&
      (*options.abort_http_status < 200 || *options.abort_http_status > 599)) {
    problems.push_back(
        absl::StrCat("abort_http_status ", *options.abort_http_status, " outside 200..599"));
  }
  if (options.abort_grpc_status.has_value() &&
      (*options.abort_grpc_status < 1 || *options.abort_grpc_status > 16)) {
    problems.push_back(
        absl::StrCat("abort_grpc_status ", *options.abort_grpc_status, " outside 1..16"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return FaultInjector(options, random);
}

FaultInjector::FaultInjector(const Options& options, RandomGenerator& random)
    : options_(options),
      random_(&random),
      delay_millionths_(static_cast<uint64_t>(std::llround(options.delay_percent * kScale / 100))),
      abort_millionths_(static_cast<uint64_t>(std::llround(options.abort_percent * kScale / 100))) {}

FaultInjector::Decision FaultInjector::Decide() {
  Decision d;
  if (delay_millionths_ > 0 && random_->Uniform(kScale) < delay_millionths_) {
    d.delay = options_.delay;
  }
  if (abort_millionths_ > 0 && random_->Uniform(kScale) < abort_millionths_) {
    d.abort_http_status = options_.abort_http_status;
    d.abort_grpc_status = options_.abort_grpc_status;
  }
  return d;
}

}  // namespace weft::resilience
