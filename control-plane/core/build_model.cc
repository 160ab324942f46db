#include "control-plane/core/build_model.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control-plane/core/validation_context.h"
#include "control-plane/core/vip_allocator.h"

namespace weft::control_plane {
namespace {

using internal::ValidationContext;

struct Validate {
  ValidationContext& context;
  void operator()(const Service& o) const { internal::ValidateService(o, context); }
  void operator()(const Workload& o) const { internal::ValidateWorkload(o, context); }
  void operator()(const HttpRoute& o) const { internal::ValidateHttpRoute(o, context); }
  void operator()(const GrpcRoute& o) const { internal::ValidateGrpcRoute(o, context); }
  void operator()(const TrafficPolicy& o) const { internal::ValidateTrafficPolicy(o, context); }
  void operator()(const PeerAuthentication& o) const {
    internal::ValidatePeerAuthentication(o, context);
  }
  void operator()(const AuthorizationPolicy& o) const {
    internal::ValidateAuthorizationPolicy(o, context);
  }
  void operator()(const EndpointSlice& o) const { internal::ValidateEndpointSlice(o, context); }
};

// Adds the object to its map in `model`.
struct Insert {
  Model& model;
  void operator()(const Service& o) const { model.services[o.meta.key()] = o; }
  void operator()(const Workload& o) const { model.workloads[o.meta.key()] = o; }
  void operator()(const HttpRoute& o) const { model.http_routes[o.meta.key()] = o; }
  void operator()(const GrpcRoute& o) const { model.grpc_routes[o.meta.key()] = o; }
  void operator()(const TrafficPolicy& o) const { model.traffic_policies[o.meta.key()] = o; }
  void operator()(const PeerAuthentication& o) const {
    model.peer_authentications[o.meta.key()] = o;
  }
  void operator()(const AuthorizationPolicy& o) const {
    model.authorization_policies[o.meta.key()] = o;
  }
  void operator()(const EndpointSlice& o) const { model.endpoint_slices[o.meta.key()] = o; }
};

// The endpoints of every service: from the workloads its selector matches, or
// without a selector from the EndpointSlices naming it. Slices that name no
// service, or one with a selector, are reported as unused.
void AssignEndpoints(Model& model) {
  std::map<ObjectKey, std::vector<const EndpointSlice*>> slices_of;
  for (const auto& [key, slice] : model.endpoint_slices) {
    const ObjectKey service_key{key.ns, slice.ServiceName()};
    auto service = model.services.find(service_key);
    if (service == model.services.end()) {
      model.warnings.push_back(absl::StrCat("EndpointSlice ", key.ToString(),
                                            " is not used: there is no Service ",
                                            service_key.ToString()));
    } else if (!service->second.selector.empty()) {
      model.warnings.push_back(absl::StrCat(
          "EndpointSlice ", key.ToString(), " is not used: Service ", service_key.ToString(),
          " has a selector, so its endpoints are the workloads it selects"));
    } else if (slice.address_type == "FQDN") {
      model.warnings.push_back(absl::StrCat("EndpointSlice ", key.ToString(),
                                            " is not used: addressType FQDN is not supported "
                                            "(list IPv4 or IPv6 addresses)"));
    } else {
      slices_of[service_key].push_back(&slice);
    }
  }
  std::vector<const Workload*> workloads;
  for (const auto& [key, workload] : model.workloads) workloads.push_back(&workload);
  for (const auto& [key, service] : model.services) {
    model.endpoints[key] = service.selector.empty()
                               ? SliceEndpoints(service, slices_of[key], model.workloads)
                               : SelectEndpoints(service, workloads);
  }
}

// Checks across resources: duplicate names, clusterIPs, workload addresses, two
// policies on one service, and two namespace-wide PeerAuthentications in one
// namespace.
void CheckUniqueness(const std::vector<Resource>& resources, ValidationContext& context) {
  std::map<std::pair<std::string, ObjectKey>, const Resource*> seen;
  std::map<std::string, const Resource*> cluster_ips;
  std::map<std::string, const Resource*> addresses;
  std::map<ObjectKey, const Resource*> policy_targets;
  std::map<std::string, const Resource*> namespace_mtls;
  for (const Resource& resource : resources) {
    context.set_resource(&resource);
    const ObjectKey key = resource.meta().key();
    auto [it, inserted] =
        seen.emplace(std::make_pair(std::string(resource.kind()), key), &resource);
    if (!inserted) {
      context.Problem("metadata.name",
                      absl::StrCat("duplicate ", resource.kind(), " ", key.ToString(),
                                   " (first defined in ", it->second->origin.ToString(), ")"));
      continue;
    }
    if (const auto* service = std::get_if<Service>(&resource.object)) {
      const std::string& ip = service->cluster_ip;
      if (!ip.empty() && ip != "None") {
        auto [ip_it, fresh] = cluster_ips.emplace(ip, &resource);
        if (!fresh) {
          context.Problem("spec.clusterIP",
                          absl::StrCat(ip, " is already the clusterIP of Service ",
                                       ip_it->second->meta().key().ToString(), " (",
                                       ip_it->second->origin.ToString(), ")"));
        }
      }
    } else if (const auto* workload = std::get_if<Workload>(&resource.object)) {
      auto [addr_it, fresh] = addresses.emplace(workload->address, &resource);
      if (!fresh && !workload->address.empty()) {
        context.Problem("spec.address",
                        absl::StrCat(workload->address, " is already the address of Workload ",
                                     addr_it->second->meta().key().ToString(), " (",
                                     addr_it->second->origin.ToString(), ")"));
      }
    } else if (const auto* peer = std::get_if<PeerAuthentication>(&resource.object)) {
      if (!peer->selector.empty()) continue;
      auto [ns_it, fresh] = namespace_mtls.emplace(peer->meta.ns, &resource);
      if (!fresh) {
        context.Problem("spec.selector",
                        absl::StrCat("namespace ", peer->meta.ns,
                                     " already has a PeerAuthentication without selector (",
                                     ns_it->second->meta().key().ToString(), " in ",
                                     ns_it->second->origin.ToString(), "); merge the two"));
      }
    } else if (const auto* policy = std::get_if<TrafficPolicy>(&resource.object)) {
      const ObjectKey target{policy->meta.ns, policy->target_ref.name};
      auto [target_it, fresh] = policy_targets.emplace(target, &resource);
      if (!fresh && !target.name.empty()) {
        context.Problem(
            "spec.targetRef.name",
            absl::StrCat("Service ", target.ToString(), " already has a TrafficPolicy (",
                         target_it->second->meta().key().ToString(), " in ",
                         target_it->second->origin.ToString(), "); merge the two"));
      }
    }
  }
}

}  // namespace

absl::StatusOr<Model> BuildModel(const std::vector<Resource>& resources) {
  config::ProblemList problems;
  return BuildModel(resources, problems);
}

absl::StatusOr<Model> BuildModel(const std::vector<Resource>& resources,
                                 config::ProblemList& problems) {
  config::ProblemList found;
  std::map<ObjectKey, const Service*> services;
  for (const Resource& resource : resources) {
    if (const auto* service = std::get_if<Service>(&resource.object)) {
      services.emplace(service->meta.key(), service);  // the first one wins
    }
  }
  ValidationContext context(found, services);
  for (const Resource& resource : resources) {
    context.set_resource(&resource);
    const ObjectMeta& meta = resource.meta();
    context.CheckName("metadata.namespace", meta.ns, false);
    context.CheckName("metadata.name", meta.name,
                      !std::holds_alternative<Service>(resource.object));
    std::visit(Validate{context}, resource.object);
  }
  CheckUniqueness(resources, context);
  for (const config::ConfigProblem& problem : found.problems()) problems.Add(problem);
  if (!found.empty()) return found.ToStatus("invalid mesh configuration");

  Model model;
  for (const Resource& resource : resources) std::visit(Insert{model}, resource.object);

  std::vector<ObjectKey> need_vip;
  std::vector<std::string> reserved;
  for (auto& [key, service] : model.services) {
    for (auto port = service.ports.begin(); port != service.ports.end();) {
      if (port->transport != "TCP") {
        model.warnings.push_back(absl::StrCat("Service ", key.ToString(), " port ", port->port,
                                              ": ", port->transport, " is not meshed"));
        port = service.ports.erase(port);
        continue;
      }
      port->protocol = ResolveAppProtocol(*port, service.opaque);
      ++port;
    }
    if (service.cluster_ip.empty()) {
      need_vip.push_back(key);
    } else if (service.cluster_ip != "None") {
      service.vip = service.cluster_ip;
      reserved.push_back(service.cluster_ip);
    }
  }
  absl::StatusOr<std::map<ObjectKey, std::string>> vips = AllocateVips(need_vip, reserved);
  if (!vips.ok()) return vips.status();
  for (const auto& [key, vip] : *vips) model.services[key].vip = vip;

  AssignEndpoints(model);
  return model;
}

}  // namespace weft::control_plane
