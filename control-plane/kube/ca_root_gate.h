#ifndef WEFT_CONTROL_PLANE_KUBE_CA_ROOT_GATE_H_
#define WEFT_CONTROL_PLANE_KUBE_CA_ROOT_GATE_H_

// On Kubernetes only the Lease holder may create the CA's root: a replica
// whose --ca_dir has no root waits until either the root appears (another
// replica created it in a shared directory, or the Secret that `meshctl
// install` creates is mounted late) or it wins the Lease. Bounded: after
// `max_wait` it gives up with a clear error (the pod restarts).
//
//   absl::StatusOr<CaRootGate> gate = AwaitCaRoot(ca_dir, elector, sleeper, time, {});
//   if (gate.ok()) authority = RotatingAuthority::LoadOrCreate(ca_dir, ...);
//
// Normally the root is in the Secret, and this returns kExists at once: root
// creation at first start is mostly a local-mode thing.
//
// Runs the elector's rounds on the caller's thread (before elector.Run starts).

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"
#include "control-plane/kube/leader_elector.h"
#include "control-plane/kube/sleeper.h"

namespace weft::control_plane::kube {

enum class CaRootGate {
  kExists,  // load it
  kLeader,  // this replica holds the Lease: create it
};

struct CaRootWait {
  absl::Duration max_wait = absl::Seconds(60);
  absl::Duration poll = absl::Seconds(1);
};

// kDeadlineExceeded after `wait.max_wait` without a root or the Lease.
absl::StatusOr<CaRootGate> AwaitCaRoot(const std::string& ca_dir, LeaderElector& elector,
                                       Sleeper& sleeper, const TimeSource& time,
                                       const CaRootWait& wait);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_CA_ROOT_GATE_H_
