#include "control-plane/kube/ca_root_gate.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::control_plane::kube {
namespace {

bool RootExists(const std::string& ca_dir) {
  return access(absl::StrCat(ca_dir, "/root-cert.pem").c_str(), F_OK) == 0;
}

}  // namespace

absl::StatusOr<CaRootGate> AwaitCaRoot(const std::string& ca_dir, LeaderElector& elector,
                                       Sleeper& sleeper, const TimeSource& time,
                                       const CaRootWait& wait) {
  if (RootExists(ca_dir)) return CaRootGate::kExists;
  const absl::Time deadline = time.MonotonicNow() + wait.max_wait;
  WEFT_LOG(kInfo,
           "ca: no root in %s; only the Lease holder creates one: waiting up to %s for "
           "the Lease or the root",
           ca_dir, absl::FormatDuration(wait.max_wait));
  while (true) {
    elector.Step();
    if (elector.IsLeader()) {
      WEFT_LOG(kInfo, "ca: this replica holds the Lease: creating the root in %s", ca_dir);
      return CaRootGate::kLeader;
    }
    if (RootExists(ca_dir)) return CaRootGate::kExists;
    if (time.MonotonicNow() >= deadline || !sleeper.SleepFor(wait.poll)) break;
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "no CA root in ", ca_dir, " after ", absl::FormatDuration(wait.max_wait),
      " and this replica does not hold the Lease (", elector.Describe(),
      "); on Kubernetes the root normally comes from the Secret that `meshctl install` creates"));
}

}  // namespace weft::control_plane::kube
