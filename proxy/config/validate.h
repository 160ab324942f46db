#ifndef WEFT_PROXY_CONFIG_VALIDATE_H_
#define WEFT_PROXY_CONFIG_VALIDATE_H_

// Whole-config validation of the internal model, independent of where the config
// came from (static bootstrap file today, xDS later): field ranges, names that must
// be unique, references between listeners, route configs and clusters, and
// listeners that could not all bind. Every problem is reported at once.
//
// Usage:
//   absl::Status status = ValidateProxyConfig(config);
//   if (!status.ok()) return status;  // kInvalidArgument, one problem per line
//
// Stateless and thread-safe.

#include <cstdint>

#include "absl/status/status.h"
#include "proxy/config/model.h"
#include "proxy/config/problem_list.h"

namespace weft::config {

// Limits the validator enforces; loaders use them for their own range messages.
inline constexpr uint32_t kMinEndpointWeight = 1;
inline constexpr uint32_t kMaxEndpointWeight = 1'000'000;
inline constexpr uint32_t kMinRequestHeadersBytes = 1024;
inline constexpr uint32_t kMaxRequestHeadersBytes = 1024 * 1024;
inline constexpr uint32_t kMinBufferLimitBytes = 1024;
inline constexpr uint32_t kMaxBufferLimitBytes = 1024 * 1024 * 1024;

// OK, or kInvalidArgument listing every problem found, one per line, each naming
// the field path ("listeners[1].default_cluster: unknown cluster \"x\"").
absl::Status ValidateProxyConfig(const ProxyConfig& config);

// For loaders that report their own parse problems alongside the validator's.
struct ValidationScope {
  // A loader turns these off when it could not read every cluster (route config)
  // name, so that one broken entry is not also reported as an unknown reference
  // everywhere it is used.
  bool check_cluster_references = true;
  bool check_route_config_references = true;
};

// Appends the problems of `config` to `problems` (without positions).
void AppendProxyConfigProblems(const ProxyConfig& config, const ValidationScope& scope,
                               ProblemList& problems);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_VALIDATE_H_
