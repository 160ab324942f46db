#ifndef WEFT_CONTROL_PLANE_CORE_WORKLOAD_SECURITY_H_
#define WEFT_CONTROL_PLANE_CORE_WORKLOAD_SECURITY_H_

// Which security policies apply to one workload (security_policy.h), as the
// translation to xDS asks:
//
//   WorkloadMtls mtls = MtlsFor(model, workload);
//   MtlsMode on_8080 = mtls.ModeFor(8080);  // or MtlsModeFor(model, workload, 8080)
//   for (const AuthorizationPolicy* p : AuthorizationPoliciesFor(model, workload)) ...
//
// mTLS precedence: a policy whose selector picks the workload (the first by
// name if several do) over the namespace's policy without selector over the
// mesh-wide one (root namespace, no selector); the first of those with a mode
// gives the workload's mode, PERMISSIVE when none has one. Port-level modes of
// the policy that applies to the port override it.
//
// Pure functions, thread-safe.

#include <cstdint>
#include <map>
#include <vector>

#include "control-plane/core/model.h"

namespace weft::control_plane {

struct WorkloadMtls {
  MtlsMode mode = MtlsMode::kPermissive;  // never kUnset
  std::map<uint32_t, MtlsMode> ports;     // overrides, never kUnset

  MtlsMode ModeFor(uint32_t port) const {
    auto it = ports.find(port);
    return it == ports.end() ? mode : it->second;
  }
};

WorkloadMtls MtlsFor(const Model& model, const Workload& workload);
MtlsMode MtlsModeFor(const Model& model, const Workload& workload, uint32_t port);

// The AuthorizationPolicies that apply to `workload` (its namespace's and the
// root namespace's, whose selector is empty or matches), in key order.
std::vector<const AuthorizationPolicy*> AuthorizationPoliciesFor(const Model& model,
                                                                 const Workload& workload);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_WORKLOAD_SECURITY_H_
