#include "tools/meshctl/get_tables.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/meshctl/table.h"

namespace weft::meshctl {
namespace {

using control_plane::AuthorizationPolicy;
using control_plane::BackendRef;
using control_plane::EndpointSlice;
using control_plane::GrpcRoute;
using control_plane::HttpRoute;
using control_plane::Model;
using control_plane::ObjectKey;
using control_plane::ParentRef;
using control_plane::PeerAuthentication;
using control_plane::Service;
using control_plane::TrafficPolicy;
using control_plane::Workload;

constexpr size_t kMaxListed = 3;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// At most kMaxListed items, then "+N more".
std::string ListCell(const std::vector<std::string>& items) {
  if (items.empty()) return "<none>";
  if (items.size() <= kMaxListed) return absl::StrJoin(items, ",");
  std::vector<std::string> head(items.begin(), items.begin() + kMaxListed);
  return absl::StrCat(absl::StrJoin(head, ","), " +", items.size() - kMaxListed, " more");
}

// "name" in the object's namespace, else "ns/name".
std::string RefName(const std::string& ref_ns, const std::string& name, const std::string& from) {
  return ref_ns.empty() || ref_ns == from ? name : absl::StrCat(ref_ns, "/", name);
}

std::string Parents(const std::vector<ParentRef>& refs, const std::string& ns) {
  std::vector<std::string> items;
  for (const ParentRef& ref : refs) {
    std::string item = RefName(ref.ns, ref.name, ns);
    if (ref.port != 0) absl::StrAppend(&item, ":", ref.port);
    items.push_back(item);
  }
  return ListCell(items);
}

template <typename Rule>
std::string Backends(const std::vector<Rule>& rules, const std::string& ns) {
  std::vector<std::string> items;
  std::set<std::string> seen;
  for (const Rule& rule : rules) {
    for (const BackendRef& ref : rule.backend_refs) {
      std::string item = absl::StrCat(RefName(ref.ns, ref.name, ns), ":", ref.port, "(",
                                       ref.weight, ")");
      if (seen.insert(item).second) items.push_back(item);
    }
  }
  return ListCell(items);
}

std::string FormatDuration(const std::optional<absl::Duration>& duration) {
  return duration ? absl::FormatDuration(*duration) : "-";
}

std::vector<std::string> ServiceRow(const Model& model, const Service& service) {
  std::vector<std::string> ports;
  for (const control_plane::ServicePort& port : service.ports) {
    ports.push_back(
        absl::StrCat(port.port, "/", control_plane::AppProtocolName(port.protocol)));
  }
  std::vector<std::string> endpoints;
  std::set<std::string> seen;
  for (const control_plane::PortEndpoints& list : model.EndpointsOf(service.meta.key())) {
    for (const control_plane::Endpoint& endpoint : list.endpoints) {
      std::string item = absl::StrCat(endpoint.address, ":", endpoint.port);
      if (seen.insert(item).second) endpoints.push_back(item);
    }
  }
  return {service.meta.ns, service.meta.name, service.vip.empty() ? "None" : service.vip,
          absl::StrJoin(ports, ","), ListCell(endpoints)};
}

std::vector<std::string> WorkloadRow(const Workload& workload) {
  std::vector<std::string> labels;
  for (const auto& [key, value] : workload.meta.labels) labels.push_back(key + "=" + value);
  std::string locality = workload.locality.region;
  if (!workload.locality.zone.empty()) absl::StrAppend(&locality, "/", workload.locality.zone);
  return {workload.meta.ns,
          workload.meta.name,
          workload.address,
          workload.ready ? "true" : "false",
          workload.service_account,
          OrDash(locality),
          labels.empty() ? "<none>" : absl::StrJoin(labels, ",")};
}

std::vector<std::string> EndpointSliceRow(const EndpointSlice& slice) {
  std::vector<std::string> ports;
  for (const control_plane::SlicePort& port : slice.ports) {
    ports.push_back(port.name.empty() ? absl::StrCat(port.port)
                                      : absl::StrCat(port.name, ":", port.port));
  }
  std::vector<std::string> endpoints;
  for (const control_plane::SliceEndpoint& e : slice.endpoints) {
    if (e.addresses.empty()) continue;
    const bool ready = e.ready.value_or(true);
    const char* state = ready                                        ? ""
                        : e.terminating && e.serving.value_or(false) ? "(terminating)"
                                                                     : "(not-ready)";
    endpoints.push_back(absl::StrCat(e.addresses.front(), state));
  }
  return {slice.meta.ns,
          slice.meta.name,
          OrDash(slice.ServiceName()),
          slice.address_type,
          ports.empty() ? "<none>" : absl::StrJoin(ports, ","),
          ListCell(endpoints)};
}

// "app=cart,tier=web"; no selector: every workload of the namespace, or of the
// mesh for the root namespace.
std::string SelectorCell(const control_plane::Labels& selector, const std::string& ns) {
  if (selector.empty()) return ns == control_plane::kRootNamespace ? "<mesh>" : "<namespace>";
  std::vector<std::string> items;
  for (const auto& [key, value] : selector) items.push_back(key + "=" + value);
  return absl::StrJoin(items, ",");
}

// The name `names` gives `value` in manifests, or "-".
template <typename Enum>
std::string NameOf(const std::vector<std::pair<absl::string_view, Enum>>& names, Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return std::string(name);
  }
  return "-";
}

std::string MtlsModeName(control_plane::MtlsMode mode) {
  return mode == control_plane::MtlsMode::kUnset ? "-"
                                                 : NameOf(control_plane::MtlsModeNames(), mode);
}

std::vector<std::string> PeerAuthenticationRow(const PeerAuthentication& policy) {
  std::vector<std::string> ports;
  for (const auto& [port, mode] : policy.port_modes) {
    ports.push_back(absl::StrCat(port, "=", MtlsModeName(mode)));
  }
  return {policy.meta.ns, policy.meta.name, SelectorCell(policy.selector, policy.meta.ns),
          MtlsModeName(policy.mode), ports.empty() ? "-" : absl::StrJoin(ports, ",")};
}

std::vector<std::string> AuthorizationPolicyRow(const AuthorizationPolicy& policy) {
  return {policy.meta.ns, policy.meta.name, SelectorCell(policy.selector, policy.meta.ns),
          policy.action == control_plane::AuthorizationAction::kDeny ? "DENY" : "ALLOW",
          absl::StrCat(policy.rules.size())};
}

template <typename Route>
std::vector<std::string> RouteRow(const Route& route) {
  return {route.meta.ns, route.meta.name, Parents(route.parent_refs, route.meta.ns),
          absl::StrCat(route.rules.size()), Backends(route.rules, route.meta.ns)};
}

// The load balancer as the manifest names it, "+zone" when zone-aware.
std::string LoadBalancerCell(const std::optional<control_plane::LoadBalancerPolicy>& lb) {
  if (!lb) return "-";
  std::string name = NameOf(control_plane::LoadBalancerTypeNames(), lb->type);
  if (lb->zone_aware) absl::StrAppend(&name, "+zone");
  return name;
}

std::vector<std::string> PolicyRow(const TrafficPolicy& policy) {
  std::string retries = "-";
  if (policy.retries) {
    retries = absl::StrCat(policy.retries->attempts);
    if (!policy.retries->retry_on.empty()) {
      absl::StrAppend(&retries, " (", absl::StrJoin(policy.retries->retry_on, ","), ")");
    }
  }
  std::vector<std::string> limits;
  if (const auto& cb = policy.circuit_breaker) {
    if (cb->max_connections) limits.push_back(absl::StrCat("conn=", *cb->max_connections));
    if (cb->max_pending_requests) {
      limits.push_back(absl::StrCat("pending=", *cb->max_pending_requests));
    }
    if (cb->max_requests) limits.push_back(absl::StrCat("req=", *cb->max_requests));
    if (cb->max_retries) limits.push_back(absl::StrCat("retries=", *cb->max_retries));
  }
  return {policy.meta.ns,
          policy.meta.name,
          policy.target_ref.name,
          LoadBalancerCell(policy.load_balancer),
          retries,
          FormatDuration(policy.timeouts ? policy.timeouts->request : std::nullopt),
          limits.empty() ? "-" : absl::StrJoin(limits, ","),
          policy.outlier_detection ? absl::StrCat(policy.outlier_detection->consecutive_5xx, "x5xx")
                                   : "-"};
}

template <typename T>
std::vector<ObjectKey> Keys(const std::map<ObjectKey, T>& objects) {
  std::vector<ObjectKey> keys;
  for (const auto& [key, unused] : objects) keys.push_back(key);
  return keys;
}

}  // namespace

std::vector<ObjectKey> KeysOfKind(const std::string& kind, const Model& model) {
  if (kind == "Service") return Keys(model.services);
  if (kind == "EndpointSlice") return Keys(model.endpoint_slices);
  if (kind == "PeerAuthentication") return Keys(model.peer_authentications);
  if (kind == "AuthorizationPolicy") return Keys(model.authorization_policies);
  if (kind == "Workload") return Keys(model.workloads);
  if (kind == "HTTPRoute") return Keys(model.http_routes);
  if (kind == "GRPCRoute") return Keys(model.grpc_routes);
  return Keys(model.traffic_policies);
}

std::string FormatObjectTable(const std::string& kind, const Model& model,
                              const std::vector<ObjectKey>& keys) {
  std::vector<std::vector<std::string>> rows;
  for (const ObjectKey& key : keys) {
    if (kind == "Service") {
      rows.push_back(ServiceRow(model, model.services.at(key)));
    } else if (kind == "Workload") {
      rows.push_back(WorkloadRow(model.workloads.at(key)));
    } else if (kind == "EndpointSlice") {
      rows.push_back(EndpointSliceRow(model.endpoint_slices.at(key)));
    } else if (kind == "PeerAuthentication") {
      rows.push_back(PeerAuthenticationRow(model.peer_authentications.at(key)));
    } else if (kind == "AuthorizationPolicy") {
      rows.push_back(AuthorizationPolicyRow(model.authorization_policies.at(key)));
    } else if (kind == "HTTPRoute") {
      rows.push_back(RouteRow(model.http_routes.at(key)));
    } else if (kind == "GRPCRoute") {
      rows.push_back(RouteRow(model.grpc_routes.at(key)));
    } else {
      rows.push_back(PolicyRow(model.traffic_policies.at(key)));
    }
  }
  if (kind == "Service") return FormatTable({"NAMESPACE", "NAME", "VIP", "PORTS", "ENDPOINTS"}, rows);
  if (kind == "Workload") {
    return FormatTable(
        {"NAMESPACE", "NAME", "ADDRESS", "READY", "SERVICE-ACCOUNT", "LOCALITY", "LABELS"}, rows);
  }
  if (kind == "EndpointSlice") {
    return FormatTable({"NAMESPACE", "NAME", "SERVICE", "ADDRESS-TYPE", "PORTS", "ENDPOINTS"},
                       rows);
  }
  if (kind == "PeerAuthentication") {
    return FormatTable({"NAMESPACE", "NAME", "SELECTOR", "MODE", "PORT-MODES"}, rows);
  }
  if (kind == "AuthorizationPolicy") {
    return FormatTable({"NAMESPACE", "NAME", "SELECTOR", "ACTION", "RULES"}, rows);
  }
  if (kind == "HTTPRoute" || kind == "GRPCRoute") {
    return FormatTable({"NAMESPACE", "NAME", "PARENTS", "RULES", "BACKENDS"}, rows);
  }
  return FormatTable({"NAMESPACE", "NAME", "TARGET", "LOAD-BALANCER", "RETRIES", "REQUEST-TIMEOUT",
                      "CIRCUIT-BREAKER", "OUTLIER-DETECTION"},
                     rows);
}

}  // namespace weft::meshctl
