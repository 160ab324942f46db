#ifndef WEFT_CONTROL_PLANE_INJECT_INJECTOR_H_
#define WEFT_CONTROL_PLANE_INJECT_INJECTOR_H_

// Sidecar injection: the one implementation behind the mutating webhook
// (control-plane/webhook/) and `meshctl inject`. Decides whether a pod gets the
// mesh and, if so, returns the RFC 6902 patch that adds mesh-init, mesh-proxy
// (a native sidecar, or a first container that holds the app on old clusters),
// their volumes, and the rewritten app probes. No I/O.
//
//   NamespaceInfo ns{"shop", {{"weft.dev/inject", "enabled"}}};
//   ASSIGN_OR_RETURN(InjectionResult r, InjectPod(pod, ns, config));
//   if (!r.injected()) log(r.skipped_reason);   // the patch is then empty
//
// Thread-compatible (pure function).

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/json/json_value.h"
#include "control-plane/inject/injection_config.h"
#include "control-plane/inject/json_patch.h"

namespace weft::inject {

struct NamespaceInfo {
  std::string name;  // used when the pod's metadata.namespace is empty
  std::map<std::string, std::string> labels;
};

struct InjectionResult {
  std::vector<PatchOp> patch;
  std::string skipped_reason;  // empty when injected

  bool injected() const { return skipped_reason.empty(); }
};

// kInvalidArgument when `pod` is not a pod (no spec.containers) or its injection
// annotations are invalid (every problem named). A pod that is left alone
// (hostNetwork, already injected, not opted in, opted out) is not an error: the
// result then has an empty patch and says why. `workload_name` names the proxy's
// workload when the pod has neither name nor generateName (a pod template).
absl::StatusOr<InjectionResult> InjectPod(const json::Json& pod, const NamespaceInfo& ns,
                                          const InjectionConfig& config,
                                          absl::string_view workload_name = "");

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_INJECTOR_H_
