#include "control-plane/core/workload_security.h"

namespace weft::control_plane {
namespace {

// Whether a policy in `ns` with `selector` applies to `workload`: its own
// namespace's, or the root namespace's mesh-wide ones (and the root namespace's
// selected ones for workloads there).
bool Applies(const std::string& ns, const Labels& selector, const Workload& workload) {
  if (ns != workload.meta.ns && !(ns == kRootNamespace && selector.empty())) return false;
  return selector.empty() || SelectorMatches(selector, workload.meta.labels);
}

}  // namespace

WorkloadMtls MtlsFor(const Model& model, const Workload& workload) {
  // Most specific first: selected, namespace-wide, mesh-wide.
  const PeerAuthentication* levels[3] = {nullptr, nullptr, nullptr};
  for (const auto& [key, policy] : model.peer_authentications) {
    if (!Applies(key.ns, policy.selector, workload)) continue;
    const int level = !policy.selector.empty() ? 0 : key.ns == workload.meta.ns ? 1 : 2;
    if (levels[level] == nullptr) levels[level] = &policy;
  }
  WorkloadMtls out;
  for (const PeerAuthentication* policy : levels) {
    if (policy != nullptr && policy->mode != MtlsMode::kUnset) {
      out.mode = policy->mode;
      break;
    }
  }
  // Port-level modes come from the most specific policy (validation allows them
  // only with a selector, so that is the selected one).
  for (const PeerAuthentication* policy : levels) {
    if (policy == nullptr) continue;
    for (const auto& [port, mode] : policy->port_modes) {
      if (mode != MtlsMode::kUnset && port > 0) out.ports[static_cast<uint32_t>(port)] = mode;
    }
    break;
  }
  return out;
}

MtlsMode MtlsModeFor(const Model& model, const Workload& workload, uint32_t port) {
  return MtlsFor(model, workload).ModeFor(port);
}

std::vector<const AuthorizationPolicy*> AuthorizationPoliciesFor(const Model& model,
                                                                 const Workload& workload) {
  std::vector<const AuthorizationPolicy*> out;
  for (const auto& [key, policy] : model.authorization_policies) {
    if (Applies(key.ns, policy.selector, workload)) out.push_back(&policy);
  }
  return out;
}

}  // namespace weft::control_plane
