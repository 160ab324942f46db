#include "control-plane/core/resource.h"

#include "absl/strings/str_cat.h"

namespace weft::control_plane {
namespace {

struct KindName {
  absl::string_view operator()(const Service&) const { return "Service"; }
  absl::string_view operator()(const Workload&) const { return "Workload"; }
  absl::string_view operator()(const HttpRoute&) const { return "HTTPRoute"; }
  absl::string_view operator()(const GrpcRoute&) const { return "GRPCRoute"; }
  absl::string_view operator()(const TrafficPolicy&) const { return "TrafficPolicy"; }
  absl::string_view operator()(const PeerAuthentication&) const { return "PeerAuthentication"; }
  absl::string_view operator()(const AuthorizationPolicy&) const { return "AuthorizationPolicy"; }
  absl::string_view operator()(const EndpointSlice&) const { return "EndpointSlice"; }
};

}  // namespace

std::string ResourceOrigin::ToString() const { return absl::StrCat(file, "[", document, "]"); }

const ObjectMeta& Resource::meta() const {
  return std::visit([](const auto& o) -> const ObjectMeta& { return o.meta; }, object);
}

absl::string_view Resource::kind() const { return std::visit(KindName{}, object); }

}  // namespace weft::control_plane
