#ifndef WEFT_CONTROL_PLANE_KUBE_KUBE_MODE_FLAGS_H_
#define WEFT_CONTROL_PLANE_KUBE_KUBE_MODE_FLAGS_H_

// mesh-control-plane's --source=kubernetes flags beyond the source's own, kept
// apart from main.cc: the Lease (--lease_namespace, --lease_name,
// --lease_duration, --lease_renew_interval, --pod_name), the CA's proof
// (--ca_token_audience) and the wait for a CA root (--ca_root_wait).
//
//   absl::StatusOr<KubeModeOptions> options = KubeModeOptionsFromFlags(api);
//   LeaderDuties duties(options->duties, api.transports, time);
//
// Defaults: the Lease lives in --lease_namespace, else the pod's namespace
// (in-cluster), else weft-system; this replica is --pod_name, else $POD_NAME,
// else the host name.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-plane/kube/ca_root_gate.h"
#include "control-plane/kube/create_kube_source.h"
#include "control-plane/kube/leader_duties.h"

namespace weft::control_plane::kube {

struct KubeModeOptions {
  LeaderDuties::Options duties;
  std::vector<std::string> token_audiences;
  CaRootWait root_wait;
};

// kInvalidArgument naming the flag when the lease timings do not fit
// (renew interval < renew deadline = 2/3 of the lease duration).
absl::StatusOr<KubeModeOptions> KubeModeOptionsFromFlags(const KubeApi& api);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_KUBE_MODE_FLAGS_H_
