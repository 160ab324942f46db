#include "control-plane/core/model.h"

namespace weft::control_plane {
namespace {

template <typename Route>
bool AttachedTo(const Route& route, const ObjectKey& service) {
  for (const ParentRef& parent : route.parent_refs) {
    if (ResolveRef(parent.ns, parent.name, route.meta.ns) == service) return true;
  }
  return false;
}

}  // namespace

ObjectKey ResolveRef(const std::string& ref_ns, const std::string& ref_name,
                     const std::string& from_ns) {
  return ObjectKey{ref_ns.empty() ? from_ns : ref_ns, ref_name};
}

const Service* Model::FindService(const ObjectKey& key) const {
  auto it = services.find(key);
  return it == services.end() ? nullptr : &it->second;
}

const Service* Model::FindServiceByVip(const std::string& vip) const {
  if (vip.empty()) return nullptr;
  for (const auto& [key, service] : services) {
    if (service.vip == vip) return &service;
  }
  return nullptr;
}

const std::vector<PortEndpoints>& Model::EndpointsOf(const ObjectKey& service) const {
  static const std::vector<PortEndpoints>* const kNone = new std::vector<PortEndpoints>();
  auto it = endpoints.find(service);
  return it == endpoints.end() ? *kNone : it->second;
}

std::vector<const HttpRoute*> Model::HttpRoutesFor(const ObjectKey& service) const {
  std::vector<const HttpRoute*> out;
  for (const auto& [key, route] : http_routes) {
    if (AttachedTo(route, service)) out.push_back(&route);
  }
  return out;
}

std::vector<const GrpcRoute*> Model::GrpcRoutesFor(const ObjectKey& service) const {
  std::vector<const GrpcRoute*> out;
  for (const auto& [key, route] : grpc_routes) {
    if (AttachedTo(route, service)) out.push_back(&route);
  }
  return out;
}

const TrafficPolicy* Model::PolicyFor(const ObjectKey& service) const {
  for (const auto& [key, policy] : traffic_policies) {
    if (ObjectKey{policy.meta.ns, policy.target_ref.name} == service) return &policy;
  }
  return nullptr;
}

}  // namespace weft::control_plane
