#ifndef WEFT_PROXY_CONFIG_VALIDATE_RESILIENCE_H_
#define WEFT_PROXY_CONFIG_VALIDATE_RESILIENCE_H_

// Validation of the resilience parts of the model (issue 6): a cluster's load
// balancing, circuit breakers, outlier detection and health check, and a route's
// retry, hash policy, rate limit and fault injection. The ranges are those the
// algorithms' Create() accept (proxy/upstream/*_lb.h, outlier_detector.h,
// proxy/resilience/*.h), so a config that validates never fails to build its
// data-plane objects. Problems are named by the bootstrap file's field paths
// ("clusters[0].load_balancing.maglev_table_size"). Stateless; thread-safe.

#include <string>

#include "proxy/config/model.h"
#include "proxy/config/problem_list.h"

namespace weft::config {

// Maglev's table size must be a prime in this range.
inline constexpr uint64_t kMinMaglevTableSize = 2;
inline constexpr uint64_t kMaxMaglevTableSize = 5'000'011;
inline constexpr uint64_t kMaxRingHashSize = 8'388'608;
// Bodies kept for retries are bounded like other buffers.
inline constexpr uint32_t kMaxRetryReplayBytes = 64 * 1024 * 1024;

// `path` is the cluster's ("clusters[2]").
void AppendClusterResilienceProblems(const Cluster& cluster, const std::string& path,
                                     ProblemList& problems);
// `path` is the route's ("route_configs[0].virtual_hosts[1].routes[3]").
void AppendRouteResilienceProblems(const Route& route, const std::string& path,
                                   ProblemList& problems);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_VALIDATE_RESILIENCE_H_
