#ifndef WEFT_PROXY_RESILIENCE_RETRY_POLICY_H_
#define WEFT_PROXY_RESILIENCE_RETRY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::resilience {

// Conditions a route retries on (Envoy's x-envoy-retry-on names).
enum RetryOn : uint32_t {
  kRetryOnConnectFailure = 1 << 0,     // "connect-failure"
  kRetryOnRefusedStream = 1 << 1,      // "refused-stream" (HTTP/2 REFUSED_STREAM, GOAWAY)
  kRetryOnReset = 1 << 2,              // "reset": reset/closed before a response
  kRetryOn5xx = 1 << 3,                // "5xx": any 5xx, and connect failure and reset
  kRetryOnGatewayError = 1 << 4,       // "gateway-error": 502/503/504, connect failure
  kRetryOnRetriableStatusCodes = 1 << 5,  // "retriable-status-codes"
  kRetryOnRetriableGrpcCodes = 1 << 6,    // "retriable-grpc-codes" (also implied by listing any)
};

// Parses "5xx,connect-failure,..." (also the gRPC names "cancelled",
// "deadline-exceeded", "internal", "resource-exhausted", "unavailable", which
// add to `grpc_codes`). Unknown names are all reported in one error.
absl::StatusOr<uint32_t> ParseRetryOn(absl::string_view list,
                                      absl::flat_hash_set<int>* grpc_codes);

// How one attempt ended.
struct AttemptOutcome {
  enum class Kind {
    kResponse,        // response headers arrived: see http_status/grpc_status
    kConnectFailure,  // no connection: the request never left
    kRefusedStream,   // the upstream refused the stream unprocessed
    kReset,           // reset or closed before a response
    kPerTryTimeout,   // no response within the per-try timeout (a 504 for 5xx/gateway-error)
  };
  Kind kind = Kind::kResponse;
  int http_status = 0;
  std::optional<int> grpc_status;  // from grpc-status (headers or trailers-only)
};

// What the caller knows of the request.
struct RequestInfo {
  absl::string_view method = "GET";
  bool is_grpc = false;
  // Whether the whole body is still in the replay buffer (false once the body
  // outgrew it: such a request cannot be sent again).
  bool body_replayable = true;
};

// Whether to retry an attempt, with the reason for logs and stats.
enum class RetryDecision {
  kRetry,
  kNotRetriable,         // the outcome is not one the policy retries on
  kAttemptsExhausted,    // num_retries reached
  kNonIdempotent,        // the request may have had effects upstream
  kBodyNotReplayable,    // the body outgrew the replay buffer
};
absl::string_view RetryDecisionName(RetryDecision decision);

// A route's retry policy: which outcomes are retried, how often, and which
// requests are safe to send twice. It decides only; backoff (RetryBackoff),
// concurrency (RetryBudget/CircuitBreaker) and picking another endpoint
// (LbContext::excluded_endpoint) are the caller's next steps.
//
// Non-idempotent HTTP methods (POST, PATCH, CONNECT, and unknown ones) are
// retried only after connect-failure or refused-stream, when the request is
// known not to have been processed, unless `retry_non_idempotent`. gRPC calls
// are exempt: a route that lists gRPC codes states the call is safe to retry,
// as gRPC's own retry policy does.
//
//   auto policy = RetryPolicy::Create({.retry_on = kRetryOn5xx, .num_retries = 2});
//   if (policy->ShouldRetry(outcome, request, retries_done) == RetryDecision::kRetry) ...
//
// Immutable after Create: thread-safe.
class RetryPolicy {
 public:
  struct Options {
    uint32_t retry_on = kRetryOnConnectFailure | kRetryOnRefusedStream;
    uint32_t num_retries = 1;  // 0..10
    absl::flat_hash_set<int> retriable_status_codes;  // 100..599
    absl::flat_hash_set<int> retriable_grpc_codes;    // 0..16
    bool retry_non_idempotent = false;
  };
  static absl::StatusOr<RetryPolicy> Create(Options options);

  // `retries_done`: retries already made for this request (0 after the first attempt).
  RetryDecision ShouldRetry(const AttemptOutcome& outcome, const RequestInfo& request,
                            uint32_t retries_done) const;
  uint32_t num_retries() const { return options_.num_retries; }

 private:
  explicit RetryPolicy(Options options) : options_(std::move(options)) {}
  bool Retriable(const AttemptOutcome& outcome) const;

  Options options_;
};

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_RETRY_POLICY_H_
