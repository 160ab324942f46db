#include "certs/rotation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace weft {
namespace certs {

absl::string_view PhaseName(RootRotation::Phase phase) {
  switch (phase) {
    case RootRotation::Phase::kStable:
      return "stable";
    case RootRotation::Phase::kDistributing:
      return "distributing";
    case RootRotation::Phase::kDraining:
      return "draining";
  }
  return "unknown";
}

RootRotation::RootRotation(std::string active_root, const TimeSource& time,
                           const Options& options)
    : time_(time), options_(options), old_root_(std::move(active_root)) {}

absl::Status RootRotation::BeginRotation(std::string new_root) {
  if (phase_ != Phase::kStable) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a rotation to ", new_root_, " is already ", PhaseName(phase_)));
  }
  if (new_root.empty() || new_root == old_root_) {
    return absl::InvalidArgumentError("the new root must be named and differ from the active one");
  }
  new_root_ = std::move(new_root);
  began_at_ = time_.SystemNow();
  phase_ = Phase::kDistributing;
  return absl::OkStatus();
}

absl::Time RootRotation::SwitchAt() const {
  return phase_ == Phase::kDistributing ? began_at_ + options_.distribution_delay
                                        : absl::InfiniteFuture();
}

absl::Time RootRotation::RetireAt() const {
  if (phase_ != Phase::kDraining) return absl::InfiniteFuture();
  absl::Time at = switched_at_ + options_.max_leaf_ttl;
  auto it = last_leaf_not_after_.find(old_root_);
  if (it != last_leaf_not_after_.end()) at = std::max(at, it->second);
  return at;
}

absl::Status RootRotation::SwitchSigning() {
  if (phase_ != Phase::kDistributing) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot switch signing while ", PhaseName(phase_)));
  }
  const absl::Time now = time_.SystemNow();
  if (now < SwitchAt()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the new root has been distributed for ", absl::FormatDuration(now - began_at_),
        " only; signing may switch at ", absl::FormatTime(SwitchAt())));
  }
  switched_at_ = now;
  phase_ = Phase::kDraining;
  return absl::OkStatus();
}

void RootRotation::RecordIssued(absl::string_view root, absl::Time not_after) {
  if (root != old_root_ && root != new_root_) return;
  auto [it, inserted] = last_leaf_not_after_.emplace(std::string(root), not_after);
  if (!inserted) it->second = std::max(it->second, not_after);
}

RootRotation::Phase RootRotation::Advance() {
  if (phase_ == Phase::kDistributing && time_.SystemNow() >= SwitchAt()) {
    (void)SwitchSigning();  // Cannot fail: phase and time were just checked.
  }
  if (phase_ == Phase::kDraining && time_.SystemNow() >= RetireAt()) {
    last_leaf_not_after_.erase(old_root_);
    old_root_ = std::move(new_root_);
    new_root_.clear();
    phase_ = Phase::kStable;
  }
  return phase_;
}

const std::string& RootRotation::signing_root() const {
  return phase_ == Phase::kDraining ? new_root_ : old_root_;
}

std::vector<std::string> RootRotation::BundleRoots() const {
  switch (phase_) {
    case Phase::kStable:
      return {old_root_};
    case Phase::kDistributing:
      return {old_root_, new_root_};
    case Phase::kDraining:
      return {new_root_, old_root_};
  }
  return {old_root_};
}

}  // namespace certs
}  // namespace weft
