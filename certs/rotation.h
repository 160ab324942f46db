#ifndef WEFT_CERTS_ROTATION_H_
#define WEFT_CERTS_ROTATION_H_

// Root rotation without an outage, as a state machine over a clock. It holds
// no keys or certificates, only root names (e.g. TrustBundle fingerprints); the
// CA owner acts on what it says.
//
//   kStable        bundle {old}        signing old
//     BeginRotation(new)
//   kDistributing  bundle {old, new}   signing old   (proxies learn the new root)
//     SwitchSigning() / Advance(), once distribution_delay has passed
//   kDraining      bundle {old, new}   signing new   (old leaves still live)
//     Advance(), once every leaf the old root signed has expired
//   kStable        bundle {new}        signing new
//
// "Every leaf the old root signed" is the later of RecordIssued()'s latest
// notAfter for it and switch time + max_leaf_ttl (which covers leaves issued
// before this object existed, e.g. before a restart).
//
//   RootRotation rotation("fp-old", time);
//   rotation.BeginRotation("fp-new");
//   ... publish rotation.BundleRoots() ...
//   rotation.Advance();  // periodically: switches and retires when due
//
// Thread-compatible: guard with the owner's lock. The TimeSource is borrowed
// and must outlive this object.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"

namespace weft {
namespace certs {

class RootRotation {
 public:
  struct Options {
    // How long the new root sits in every bundle before it signs anything.
    absl::Duration distribution_delay = absl::Hours(1);
    // The longest leaf lifetime the CA issues (its default TTL or cap).
    absl::Duration max_leaf_ttl = absl::Hours(24);
  };

  enum class Phase { kStable, kDistributing, kDraining };

  RootRotation(std::string active_root, const TimeSource& time)
      : RootRotation(std::move(active_root), time, Options()) {}
  RootRotation(std::string active_root, const TimeSource& time, const Options& options);

  // kStable -> kDistributing. kFailedPrecondition while a rotation is under
  // way; kInvalidArgument for an empty name or the active root's name.
  absl::Status BeginRotation(std::string new_root);

  // kDistributing -> kDraining. kFailedPrecondition (saying when it will be
  // allowed) before distribution_delay has passed or in another phase.
  absl::Status SwitchSigning();

  // Notes that `root` signed a leaf valid until `not_after`. Unknown roots are ignored.
  void RecordIssued(absl::string_view root, absl::Time not_after);

  // Takes every transition that is due (switch, then retire) and returns the
  // phase reached. Never begins a rotation.
  Phase Advance();

  Phase phase() const { return phase_; }
  // The root that signs new leaves now.
  const std::string& signing_root() const;
  // The roots every proxy must trust now, signing root first.
  std::vector<std::string> BundleRoots() const;
  // When the old root may be retired (kDraining only; InfiniteFuture otherwise).
  absl::Time RetireAt() const;
  // When signing may switch (kDistributing only; InfiniteFuture otherwise).
  absl::Time SwitchAt() const;

 private:
  const TimeSource& time_;
  Options options_;
  Phase phase_ = Phase::kStable;
  std::string old_root_;  // The active root in kStable; the outgoing one otherwise.
  std::string new_root_;  // Empty in kStable.
  absl::Time began_at_ = absl::InfinitePast();
  absl::Time switched_at_ = absl::InfinitePast();
  std::map<std::string, absl::Time, std::less<>> last_leaf_not_after_;
};

absl::string_view PhaseName(RootRotation::Phase phase);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_ROTATION_H_
