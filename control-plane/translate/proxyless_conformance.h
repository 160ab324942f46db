#ifndef WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_CONFORMANCE_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_CONFORMANCE_H_

// Test helpers that check xDS resources the way their clients will.
//
// CheckProxylessConformance applies every rule of api/README.md ("What gRPC's
// proxyless client requires") that would make gRPC 1.51 NACK a resource or fail
// the RPCs it routes: api_listener with an HCM, RDS over ads/self, HTTP filters
// named, unique and ending with exactly one router; virtual hosts with domains;
// route actions of kind `route` with a cluster or weighted clusters whose weights
// are all set, non-zero and sum to total_weight (default 100); valid RE2 regexes;
// retry policies with num_retries > 0 and a base interval; clusters of type EDS
// (ads/self) or LOGICAL_DNS with ROUND_ROBIN or RING_HASH; load assignments with
// weighted localities, IP-literal endpoints with ports, HEALTHY/UNKNOWN status,
// contiguous priorities, no duplicate localities or addresses.
//
// CheckReferences checks that every name a resource points at is in the map:
// RDS names of listeners (filter chains and api_listener), clusters of routes and
// TCP proxies, EDS service names of clusters.
//
// Both return one line per problem, "<short type> <name>: <what>"; empty is good.
// Test-only; thread-compatible.

#include <string>
#include <vector>

#include "control-plane/translate/resource_map.h"

namespace weft::control_plane {

std::vector<std::string> CheckProxylessConformance(const ResourceMap& resources);
std::vector<std::string> CheckReferences(const ResourceMap& resources);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_CONFORMANCE_H_
