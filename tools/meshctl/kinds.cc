#include "tools/meshctl/kinds.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace weft::meshctl {

absl::StatusOr<std::string> ResolveKind(absl::string_view word) {
  const std::string lower = absl::AsciiStrToLower(word);
  struct Alias {
    const char* word;
    const char* kind;
  };
  static constexpr Alias kAliases[] = {
      {"services", "Service"},
      {"service", "Service"},
      {"svc", "Service"},
      {"workloads", "Workload"},
      {"workload", "Workload"},
      {"wl", "Workload"},
      {"httproutes", "HTTPRoute"},
      {"httproute", "HTTPRoute"},
      {"grpcroutes", "GRPCRoute"},
      {"grpcroute", "GRPCRoute"},
      {"trafficpolicies", "TrafficPolicy"},
      {"trafficpolicy", "TrafficPolicy"},
      {"tp", "TrafficPolicy"},
      {"endpointslices", "EndpointSlice"},
      {"endpointslice", "EndpointSlice"},
      {"eps", "EndpointSlice"},
      {"peerauthentications", "PeerAuthentication"},
      {"peerauthentication", "PeerAuthentication"},
      {"pa", "PeerAuthentication"},
      {"authorizationpolicies", "AuthorizationPolicy"},
      {"authorizationpolicy", "AuthorizationPolicy"},
      {"ap", "AuthorizationPolicy"},
  };
  for (const Alias& alias : kAliases) {
    if (lower == alias.word) return std::string(alias.kind);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown kind \"", word,
      "\" (known: services|svc, endpointslices|eps, workloads|wl, httproutes, grpcroutes, "
      "trafficpolicies|tp, peerauthentications|pa, authorizationpolicies|ap)"));
}

std::string ObjectId::ToString() const {
  return absl::StrCat(absl::AsciiStrToLower(kind), "/", ns, "/", name);
}

ObjectId IdOf(const control_plane::Resource& resource) {
  return ObjectId{std::string(resource.kind()), resource.meta().ns, resource.meta().name};
}

std::string OwnedFileName(const ObjectId& id) {
  return absl::StrCat(absl::AsciiStrToLower(id.kind), "-", id.ns, "-", id.name, ".yaml");
}

int KindWriteOrder(absl::string_view kind) {
  if (kind == "Service") return 0;
  if (kind == "Workload" || kind == "EndpointSlice") return 1;
  if (kind == "TrafficPolicy" || kind == "PeerAuthentication" || kind == "AuthorizationPolicy") {
    return 2;
  }
  return 3;  // routes
}

}  // namespace weft::meshctl
