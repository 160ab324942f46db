#ifndef WEFT_PROXY_RESILIENCE_GRPC_TIMEOUT_H_
#define WEFT_PROXY_RESILIENCE_GRPC_TIMEOUT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace weft::resilience {

// The `grpc-timeout` request header (gRPC over HTTP/2 spec): 1 to 8 ASCII
// digits and a unit, H (hours), M (minutes), S, m (ms), u (us), n (ns).
// The proxy honours the caller's deadline and never extends it: the upstream
// gets min(route timeout, what is left of the caller's deadline), and the
// forwarded header carries what is left when the request leaves.
//
//   absl::StatusOr<absl::Duration> t = ParseGrpcTimeout(headers.Get("grpc-timeout"));
//   if (!t.ok()) return ReplyGrpc(kInternal, t.status().message());
//   absl::Time deadline = now + EffectiveTimeout(route.timeout, *t);
//   headers.Set("grpc-timeout", FormatGrpcTimeout(deadline - time.MonotonicNow()));
//
// Pure functions: thread-safe.

// The duration, or kInvalidArgument naming what is wrong.
absl::StatusOr<absl::Duration> ParseGrpcTimeout(absl::string_view value);

// The most precise form with at most 8 digits, rounded up in the coarser
// units (gRPC does the same); negative durations format as "0n".
std::string FormatGrpcTimeout(absl::Duration timeout);

// min(route_timeout, grpc_timeout) over those present; a zero or infinite
// route timeout means "none". InfiniteDuration() when neither applies.
absl::Duration EffectiveTimeout(absl::Duration route_timeout,
                                std::optional<absl::Duration> grpc_timeout);

}  // namespace weft::resilience

#endif  // WEFT_PROXY_RESILIENCE_GRPC_TIMEOUT_H_
