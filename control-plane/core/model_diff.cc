#include "control-plane/core/model_diff.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "control-plane/core/stable_hash.h"

namespace weft::control_plane {
namespace {

// Writes values into an unambiguous byte string (every field length-prefixed or
// fixed-size, every list counted, every optional flagged), then hashes it. Adding
// a field to a struct means adding it here, or changes to it go unnoticed.
class Canonical {
 public:
  Canonical& operator<<(absl::string_view s) {
    absl::StrAppend(&out_, s.size(), ":", s, ";");
    return *this;
  }
  Canonical& operator<<(const std::string& s) { return *this << absl::string_view(s); }
  Canonical& operator<<(const char* s) { return *this << absl::string_view(s); }
  Canonical& operator<<(int64_t v) {
    absl::StrAppend(&out_, "i", v, ";");
    return *this;
  }
  Canonical& operator<<(bool v) { return *this << static_cast<int64_t>(v); }
  Canonical& operator<<(absl::Duration d) { return *this << absl::ToInt64Nanoseconds(d); }
  template <typename E, typename = std::enable_if_t<std::is_enum_v<E>>>
  Canonical& operator<<(E e) {
    return *this << static_cast<int64_t>(e);
  }
  template <typename T>
  Canonical& operator<<(const std::optional<T>& v) {
    *this << v.has_value();
    if (v) *this << *v;
    return *this;
  }
  template <typename T>
  Canonical& operator<<(const std::vector<T>& v) {
    *this << static_cast<int64_t>(v.size());
    for (const T& item : v) *this << item;
    return *this;
  }
  Canonical& operator<<(const Labels& labels) {
    *this << static_cast<int64_t>(labels.size());
    for (const auto& [k, v] : labels) *this << k << v;
    return *this;
  }
  Canonical& operator<<(const ObjectKey& k) { return *this << k.ns << k.name; }
  Canonical& operator<<(const ObjectMeta& m) { return *this << m.ns << m.name << m.labels; }
  Canonical& operator<<(const Locality& l) { return *this << l.region << l.zone; }
  Canonical& operator<<(const ServicePort& p) {
    return *this << p.name << int64_t{p.port} << int64_t{p.target_port} << p.target_port_name
                 << p.transport << p.app_protocol << p.protocol;
  }
  Canonical& operator<<(const Endpoint& e) {
    return *this << e.workload << e.address << int64_t{e.port} << e.service_account << e.locality;
  }
  Canonical& operator<<(const PortEndpoints& p) {
    return *this << p.port_name << int64_t{p.service_port} << p.endpoints;
  }
  Canonical& operator<<(const WorkloadPort& p) { return *this << p.name << int64_t{p.port}; }
  Canonical& operator<<(const ParentRef& p) {
    return *this << p.group << p.kind << p.ns << p.name << int64_t{p.port} << p.section_name;
  }
  Canonical& operator<<(const BackendRef& b) {
    return *this << b.group << b.kind << b.ns << b.name << int64_t{b.port} << int64_t{b.weight};
  }
  Canonical& operator<<(const NameValueMatch& m) { return *this << m.type << m.name << m.value; }
  Canonical& operator<<(const HttpRouteMatch& m) {
    return *this << m.path.type << m.path.value << m.headers << m.query_params << m.method;
  }
  Canonical& operator<<(const HttpHeader& h) { return *this << h.name << h.value; }
  Canonical& operator<<(const HeaderModifier& h) { return *this << h.set << h.add << h.remove; }
  Canonical& operator<<(const PathModifier& p) { return *this << p.type << p.value; }
  Canonical& operator<<(const RequestRedirect& r) {
    return *this << r.scheme << r.hostname << r.path << int64_t{r.port} << int64_t{r.status_code};
  }
  Canonical& operator<<(const UrlRewrite& r) { return *this << r.hostname << r.path; }
  Canonical& operator<<(const HttpFilter& f) {
    return *this << f.type << f.request_header_modifier << f.response_header_modifier
                 << f.request_redirect << f.url_rewrite;
  }
  Canonical& operator<<(const HttpRouteRule& r) {
    return *this << r.name << r.matches << r.filters << r.backend_refs << r.timeouts.request
                 << r.timeouts.backend_request;
  }
  Canonical& operator<<(const GrpcMethodMatch& m) {
    return *this << m.type << m.service << m.method;
  }
  Canonical& operator<<(const GrpcRouteMatch& m) { return *this << m.method << m.headers; }
  Canonical& operator<<(const GrpcRouteRule& r) {
    return *this << r.name << r.matches << r.filters << r.backend_refs;
  }
  Canonical& operator<<(double v) { return *this << absl::StrCat(v); }
  Canonical& operator<<(const HashKey& k) { return *this << k.header << k.cookie << k.source_ip; }
  Canonical& operator<<(const ZoneAwarePolicy& z) { return *this << z.min_healthy_percent; }
  Canonical& operator<<(const LoadBalancerPolicy& p) {
    return *this << p.type << p.hash_key << p.minimum_ring_size << p.zone_aware;
  }
  Canonical& operator<<(const RetryBudgetPolicy& p) {
    return *this << p.percent << int64_t{p.min_retry_concurrency};
  }
  Canonical& operator<<(const RetryPolicy& p) {
    return *this << int64_t{p.attempts} << p.per_try_timeout << p.retry_on
                 << p.backoff_base_interval << p.backoff_max_interval << p.budget;
  }
  Canonical& operator<<(const RateLimitPolicy& p) {
    return *this << p.requests_per_unit << p.unit << p.per_source;
  }
  Canonical& operator<<(const FaultDelayPolicy& p) { return *this << p.percent << p.fixed_delay; }
  Canonical& operator<<(const FaultAbortPolicy& p) {
    return *this << p.percent << p.http_status << p.grpc_status;
  }
  Canonical& operator<<(const FaultInjectionPolicy& p) { return *this << p.delay << p.abort; }
  Canonical& operator<<(const std::map<int32_t, MtlsMode>& ports) {
    *this << static_cast<int64_t>(ports.size());
    for (const auto& [port, mode] : ports) *this << int64_t{port} << mode;
    return *this;
  }
  Canonical& operator<<(const AuthorizationSource& s) {
    return *this << s.principals << s.not_principals << s.namespaces << s.not_namespaces;
  }
  Canonical& operator<<(const AuthorizationOperation& o) {
    *this << static_cast<int64_t>(o.ports.size());
    for (int32_t port : o.ports) *this << int64_t{port};
    return *this << o.methods << o.not_methods << o.paths << o.not_paths;
  }
  Canonical& operator<<(const AuthorizationCondition& c) {
    return *this << c.key << c.values << c.not_values;
  }
  Canonical& operator<<(const AuthorizationRule& r) { return *this << r.from << r.to << r.when; }
  Canonical& operator<<(const TimeoutPolicy& p) {
    return *this << p.request << p.connect << p.idle;
  }
  Canonical& operator<<(int32_t v) { return *this << int64_t{v}; }
  Canonical& operator<<(const CircuitBreakerPolicy& p) {
    return *this << p.max_connections << p.max_pending_requests << p.max_requests << p.max_retries;
  }
  Canonical& operator<<(const OutlierDetectionPolicy& p) {
    return *this << int64_t{p.consecutive_5xx} << p.interval << p.base_ejection_time
                 << p.max_ejection_time << int64_t{p.max_ejection_percent}
                 << p.consecutive_gateway_errors;
  }

  uint64_t Hash() const { return StableHash(out_); }

 private:
  std::string out_;
};

template <typename T>
KeyChanges DiffMaps(const std::map<ObjectKey, T>& old_map, const std::map<ObjectKey, T>& new_map) {
  KeyChanges changes;
  for (const auto& [key, value] : old_map) {
    auto it = new_map.find(key);
    if (it == new_map.end()) {
      changes.removed.push_back(key);
    } else if (Fingerprint(value) != Fingerprint(it->second)) {
      changes.changed.push_back(key);
    }
  }
  for (const auto& [key, value] : new_map) {
    if (old_map.find(key) == old_map.end()) changes.added.push_back(key);
  }
  return changes;
}

void AddAll(const KeyChanges& changes, std::set<ObjectKey>& out) {
  out.insert(changes.added.begin(), changes.added.end());
  out.insert(changes.removed.begin(), changes.removed.end());
  out.insert(changes.changed.begin(), changes.changed.end());
}

// The services that the changed routes (in either model) are attached to.
template <typename Route>
void AddRouteParents(const KeyChanges& changes, const std::map<ObjectKey, Route>& old_map,
                     const std::map<ObjectKey, Route>& new_map, std::set<ObjectKey>& out) {
  std::set<ObjectKey> keys;
  AddAll(changes, keys);
  for (const ObjectKey& key : keys) {
    for (const auto* routes : {&old_map, &new_map}) {
      auto it = routes->find(key);
      if (it == routes->end()) continue;
      for (const ParentRef& parent : it->second.parent_refs) {
        out.insert(ResolveRef(parent.ns, parent.name, key.ns));
      }
    }
  }
}

}  // namespace

uint64_t Fingerprint(const Service& s) {
  Canonical c;
  c << s.meta << s.ports << s.selector << s.cluster_ip << s.opaque << s.vip;
  return c.Hash();
}
uint64_t Fingerprint(const std::vector<PortEndpoints>& endpoints) {
  Canonical c;
  c << endpoints;
  return c.Hash();
}
uint64_t Fingerprint(const HttpRoute& r) {
  Canonical c;
  c << r.meta << r.parent_refs << r.hostnames << r.rules;
  return c.Hash();
}
uint64_t Fingerprint(const GrpcRoute& r) {
  Canonical c;
  c << r.meta << r.parent_refs << r.hostnames << r.rules;
  return c.Hash();
}
uint64_t Fingerprint(const TrafficPolicy& p) {
  Canonical c;
  c << p.meta << p.target_ref.group << p.target_ref.kind << p.target_ref.name << p.load_balancer
    << p.retries << p.timeouts << p.circuit_breaker << p.outlier_detection << p.rate_limit
    << p.fault_injection;
  return c.Hash();
}
uint64_t Fingerprint(const PeerAuthentication& p) {
  Canonical c;
  c << p.meta << p.selector << p.mode << p.port_modes;
  return c.Hash();
}
uint64_t Fingerprint(const AuthorizationPolicy& p) {
  Canonical c;
  c << p.meta << p.selector << p.action << p.rules;
  return c.Hash();
}
uint64_t Fingerprint(const Workload& w) {
  Canonical c;
  c << w.meta << w.address << w.service_account << w.locality << w.ready
    << w.serving_while_terminating << w.sidecar << w.ports;
  return c.Hash();
}

std::string ModelVersion(const Model& model) {
  Canonical c;
  for (const auto& [k, v] : model.services) c << k << static_cast<int64_t>(Fingerprint(v));
  for (const auto& [k, v] : model.endpoints) c << k << static_cast<int64_t>(Fingerprint(v));
  for (const auto& [k, v] : model.http_routes) c << k << static_cast<int64_t>(Fingerprint(v));
  for (const auto& [k, v] : model.grpc_routes) c << k << static_cast<int64_t>(Fingerprint(v));
  for (const auto& [k, v] : model.traffic_policies) {
    c << k << static_cast<int64_t>(Fingerprint(v));
  }
  for (const auto& [k, v] : model.workloads) c << k << static_cast<int64_t>(Fingerprint(v));
  for (const auto& [k, v] : model.peer_authentications) {
    c << k << static_cast<int64_t>(Fingerprint(v));
  }
  for (const auto& [k, v] : model.authorization_policies) {
    c << k << static_cast<int64_t>(Fingerprint(v));
  }
  return absl::StrFormat("%016x", c.Hash());
}

bool ModelDiff::empty() const {
  return services.empty() && endpoints.empty() && workloads.empty() && http_routes.empty() &&
         grpc_routes.empty() && traffic_policies.empty() && peer_authentications.empty() &&
         authorization_policies.empty();
}

ModelDiff DiffModels(const Model& old_model, const Model& new_model) {
  ModelDiff diff;
  diff.services = DiffMaps(old_model.services, new_model.services);
  diff.endpoints = DiffMaps(old_model.endpoints, new_model.endpoints);
  diff.workloads = DiffMaps(old_model.workloads, new_model.workloads);
  diff.http_routes = DiffMaps(old_model.http_routes, new_model.http_routes);
  diff.grpc_routes = DiffMaps(old_model.grpc_routes, new_model.grpc_routes);
  diff.traffic_policies = DiffMaps(old_model.traffic_policies, new_model.traffic_policies);
  diff.peer_authentications =
      DiffMaps(old_model.peer_authentications, new_model.peer_authentications);
  diff.authorization_policies =
      DiffMaps(old_model.authorization_policies, new_model.authorization_policies);

  std::set<ObjectKey> affected;
  AddAll(diff.services, affected);
  AddAll(diff.endpoints, affected);
  AddRouteParents(diff.http_routes, old_model.http_routes, new_model.http_routes, affected);
  AddRouteParents(diff.grpc_routes, old_model.grpc_routes, new_model.grpc_routes, affected);
  std::set<ObjectKey> policies;
  AddAll(diff.traffic_policies, policies);
  for (const ObjectKey& key : policies) {
    for (const Model* model : {&old_model, &new_model}) {
      auto it = model->traffic_policies.find(key);
      if (it != model->traffic_policies.end()) {
        affected.insert(ObjectKey{key.ns, it->second.target_ref.name});
      }
    }
  }
  // An mTLS mode decides whether clusters to the workloads it covers originate
  // mTLS: any change may touch any service.
  if (!diff.peer_authentications.empty()) {
    for (const Model* model : {&old_model, &new_model}) {
      for (const auto& [key, service] : model->services) affected.insert(key);
    }
  }
  diff.affected_services.assign(affected.begin(), affected.end());
  return diff;
}

}  // namespace weft::control_plane
