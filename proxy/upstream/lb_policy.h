#ifndef WEFT_PROXY_UPSTREAM_LB_POLICY_H_
#define WEFT_PROXY_UPSTREAM_LB_POLICY_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"

namespace weft::upstream {

// What the caller knows about the request being balanced.
struct LbContext {
  // For ring hash and Maglev: a hash of the header, cookie or source address
  // the route hashes on (see lb_hash.h). Without one they pick at random.
  std::optional<uint64_t> hash_key;
  // A retry's previous endpoint: avoided when any other candidate exists.
  int excluded_endpoint = -1;
};

// Chooses an endpoint of an EndpointSet for each request.
//
//   absl::StatusOr<std::unique_ptr<LeastRequestLb>> lb =
//       LeastRequestLb::Create(options, endpoints, random);
//   int i = (*lb)->Pick({.hash_key = std::nullopt, .excluded_endpoint = -1});
//   if (i < 0) return NoHealthyUpstream();
//   endpoints.OnRequestStart(i); ... endpoints.OnRequestEnd(i);
//   (*lb)->OnRequestComplete(i, latency);
//
// A policy reads (never owns) the EndpointSet it was created with, which must
// outlive it. Thread-compatible: one instance per worker and cluster.
class LbPolicy {
 public:
  virtual ~LbPolicy() = default;

  // Index into the EndpointSet; -1 when the set is empty.
  virtual int Pick(const LbContext& context) = 0;

  // A request to endpoint `i` finished after `latency` (from its start to the
  // end of the response headers). Only latency-aware policies use it.
  virtual void OnRequestComplete(int i, absl::Duration latency) {}
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LB_POLICY_H_
