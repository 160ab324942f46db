#ifndef WEFT_TOOLS_MESHCTL_KINDS_H_
#define WEFT_TOOLS_MESHCTL_KINDS_H_

// The object kinds meshctl handles, the words operators type for them ("svc",
// "httproutes", "tp"), and the identity of one object: kind/namespace/name.
//
// Thread-compatible (pure functions and value types).

#include <string>
#include <tuple>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "control-plane/core/resource.h"

namespace weft::meshctl {

// The manifest kinds, as written in `kind:` (Resource::kind()).
inline constexpr absl::string_view kKinds[] = {
    "Service",   "EndpointSlice", "Workload",           "HTTPRoute",
    "GRPCRoute", "TrafficPolicy", "PeerAuthentication", "AuthorizationPolicy"};

// "services", "service", "svc", "Service" -> "Service"; likewise endpointslices
// (eps), workloads (wl), httproutes, grpcroutes, trafficpolicies (tp),
// peerauthentications (pa), authorizationpolicies (ap). kInvalidArgument
// listing the accepted words otherwise.
absl::StatusOr<std::string> ResolveKind(absl::string_view word);

struct ObjectId {
  std::string kind;  // "Service"
  std::string ns;
  std::string name;

  // "service/shop/backend", the form meshctl prints.
  std::string ToString() const;

  friend bool operator<(const ObjectId& a, const ObjectId& b) {
    return std::tie(a.kind, a.ns, a.name) < std::tie(b.kind, b.ns, b.name);
  }
  friend bool operator==(const ObjectId& a, const ObjectId& b) {
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
  }
};

ObjectId IdOf(const control_plane::Resource& resource);

// The file meshctl keeps an object in: "<kind>-<namespace>-<name>.yaml", kind
// lowercased ("httproute-shop-split.yaml").
std::string OwnedFileName(const ObjectId& id);

// Order in which to write kinds so that the watching control plane sees as few
// dangling references as possible: Services and Workloads before what refers to
// them. Deletions use the reverse order.
int KindWriteOrder(absl::string_view kind);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_KINDS_H_
