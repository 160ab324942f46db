#include "proxy/resilience/retry_policy.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace weft::resilience {

namespace {

bool IsIdempotent(absl::string_view method) {
  for (absl::string_view m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    if (method == m) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<uint32_t> ParseRetryOn(absl::string_view list,
                                      absl::flat_hash_set<int>* grpc_codes) {
  static const std::pair<absl::string_view, uint32_t> kConditions[] = {
      {"connect-failure", kRetryOnConnectFailure},
      {"refused-stream", kRetryOnRefusedStream},
      {"reset", kRetryOnReset},
      {"5xx", kRetryOn5xx},
      {"gateway-error", kRetryOnGatewayError},
      {"retriable-status-codes", kRetryOnRetriableStatusCodes},
      {"retriable-grpc-codes", kRetryOnRetriableGrpcCodes},
  };
  static const std::pair<absl::string_view, int> kGrpcCodes[] = {
      {"cancelled", 1}, {"deadline-exceeded", 4}, {"resource-exhausted", 8},
      {"internal", 13}, {"unavailable", 14},
  };
  uint32_t out = 0;
  std::vector<std::string> unknown;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    name = absl::StripAsciiWhitespace(name);
    bool found = false;
    for (const auto& [n, bit] : kConditions) {
      if (name == n) {
        out |= bit;
        found = true;
      }
    }
    for (const auto& [n, code] : kGrpcCodes) {
      if (name == n) {
        out |= kRetryOnRetriableGrpcCodes;
        if (grpc_codes != nullptr) grpc_codes->insert(code);
        found = true;
      }
    }
    if (!found) unknown.push_back(absl::StrCat("\"", name, "\""));
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown retry-on condition(s) ", absl::StrJoin(unknown, ", ")));
  }
  return out;
}

absl::string_view RetryDecisionName(RetryDecision decision) {
  switch (decision) {
    case RetryDecision::kRetry:
      return "retry";
    case RetryDecision::kNotRetriable:
      return "not_retriable";
    case RetryDecision::kAttemptsExhausted:
      return "retries_exhausted";
    case RetryDecision::kNonIdempotent:
      return "non_idempotent";
    case RetryDecision::kBodyNotReplayable:
      return "body_not_replayable";
  }
  return "unknown";
}

absl::StatusOr<RetryPolicy> RetryPolicy::Create(Options options) {
  std::vector<std::string> problems;
  if (options.num_retries > 10) {
    problems.push_back(absl::StrCat("num_retries ", options.num_retries, " is above 10"));
  }
  for (int code : options.retriable_status_codes) {
    if (code < 100 || code > 599) {
      problems.push_back(absl::StrCat("retriable status code ", code, " outside 100..599"));
    }
  }
  for (int code : options.retriable_grpc_codes) {
    if (code < 0 || code > 16) {
      problems.push_back(absl::StrCat("retriable gRPC code ", code, " outside 0..16"));
    }
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return RetryPolicy(std::move(options));
}

bool RetryPolicy::Retriable(const AttemptOutcome& outcome) const {
  const uint32_t on = options_.retry_on;
  switch (outcome.kind) {
    case AttemptOutcome::Kind::kConnectFailure:
      return on & (kRetryOnConnectFailure | kRetryOn5xx | kRetryOnGatewayError);
    case AttemptOutcome::Kind::kRefusedStream:
      return on & (kRetryOnRefusedStream | kRetryOn5xx);
    case AttemptOutcome::Kind::kReset:
      return on & (kRetryOnReset | kRetryOn5xx);
    case AttemptOutcome::Kind::kPerTryTimeout:
      return on & (kRetryOn5xx | kRetryOnGatewayError);  // counts as a 504
    case AttemptOutcome::Kind::kResponse:
      break;
  }
  const int status = outcome.http_status;
  if ((on & kRetryOn5xx) && status >= 500 && status <= 599) return true;
  if ((on & kRetryOnGatewayError) && (status == 502 || status == 503 || status == 504)) {
    return true;
  }
  if ((on & kRetryOnRetriableStatusCodes) && options_.retriable_status_codes.contains(status)) {
    return true;
  }
  if ((on & kRetryOnRetriableGrpcCodes) && outcome.grpc_status.has_value() &&
      options_.retriable_grpc_codes.contains(*outcome.grpc_status)) {
    return true;
  }
  return false;
}

RetryDecision RetryPolicy::ShouldRetry(const AttemptOutcome& outcome, const RequestInfo& request,
                                       uint32_t retries_done) const {
  if (!Retriable(outcome)) return RetryDecision::kNotRetriable;
  if (retries_done >= options_.num_retries) return RetryDecision::kAttemptsExhausted;
  if (!request.body_replayable) return RetryDecision::kBodyNotReplayable;
  const bool never_processed = outcome.kind == AttemptOutcome::Kind::kConnectFailure ||
                               outcome.kind == AttemptOutcome::Kind::kRefusedStream;
  if (!request.is_grpc && !never_processed && !options_.retry_non_idempotent &&
      !IsIdempotent(request.method)) {
    return RetryDecision::kNonIdempotent;
  }
  return RetryDecision::kRetry;
}

}  // namespace weft::resilience
