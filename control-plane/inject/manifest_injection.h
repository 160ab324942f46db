#ifndef WEFT_CONTROL_PLANE_INJECT_MANIFEST_INJECTION_H_
#define WEFT_CONTROL_PLANE_INJECT_MANIFEST_INJECTION_H_

// Offline injection of Kubernetes manifests (`meshctl inject -f`): multi-document
// YAML in, YAML out. Pods and the pod templates of Deployments, StatefulSets,
// DaemonSets, ReplicaSets, Jobs and CronJobs (and the items of a List) get the
// same patch the webhook would send, applied here; other kinds pass through
// unchanged. The namespace counts as opted in (asking for injection is the
// opt-in); pods that opt out, hostNetwork pods and injected pods are left alone.
//
//   ASSIGN_OR_RETURN(ManifestInjection out, ApplyToManifest(yaml, config));
//   std::cout << out.yaml;
//   for (const std::string& line : out.report) std::cerr << line << "\n";
//
// Thread-compatible (pure function).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "control-plane/inject/injection_config.h"

namespace weft::inject {

struct ManifestInjection {
  std::string yaml;                 // every document, "---" between them
  std::vector<std::string> report;  // "deployment/web: injected", "pod/x: skipped: ..."
};

// kInvalidArgument for YAML that does not parse, or naming every workload whose
// pod (template) cannot be injected (document number, kind/name, why).
absl::StatusOr<ManifestInjection> ApplyToManifest(absl::string_view yaml,
                                                  const InjectionConfig& config);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_MANIFEST_INJECTION_H_
