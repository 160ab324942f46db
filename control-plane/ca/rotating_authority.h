#ifndef WEFT_CONTROL_PLANE_CA_ROTATING_AUTHORITY_H_
#define WEFT_CONTROL_PLANE_CA_ROTATING_AUTHORITY_H_

// The control plane's signing authority over time: the CA in --ca_dir plus, during
// a root rotation, the incoming CA, with certs::RootRotation deciding which one
// signs and which roots go into trust bundles.
//
//   ASSIGN_OR_RETURN(auto authority, RotatingAuthority::LoadOrCreate(dir, options, time));
//   ASSIGN_OR_RETURN(RotatingAuthority::Issued issued, authority->Sign(csr, id, ttl));
//   authority->TrustBundlePem();   // every root proxies must trust now
//   authority->BeginRotation();    // `meshctl certs rotate-root`
//
// Directory layout:
//   <dir>/root-cert.pem ...   the active CA (certs::CertificateAuthority files)
//   <dir>/next/...            the incoming CA, only while a rotation is under way
// Phases advance by time on every call (no timer needed): kDistributing lasts
// options.rotation.distribution_delay, kDraining until every leaf the old root
// signed has expired; then the incoming CA is written over <dir> (root-cert.pem
// last), <dir>/next is removed and the old root leaves the bundle. A restart
// during a rotation resumes it at kDistributing (both roots stay trusted; the
// delay starts again), which is always safe.
//
// Thread-safe: one lock around everything. The TimeSource is borrowed and must
// outlive this object. Never logs key material.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certs/certificate_authority.h"
#include "certs/rotation.h"
#include "certs/spiffe_id.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"

namespace weft::control_plane::ca {

class RotatingAuthority {
 public:
  struct Options {
    certs::CertificateAuthority::Options ca;
    // Leaves never live longer than this, whatever a proxy asks for.
    absl::Duration max_leaf_ttl = absl::Hours(24);
    absl::Duration distribution_delay = absl::Hours(1);
  };

  struct Issued {
    std::string chain_pem;         // leaf, then intermediate if any
    std::string root_fingerprint;  // the root the chain leads to
    std::string trust_bundle_pem;  // every root trusted at signing time
  };

  enum class RootRole { kSigning, kIncoming, kRetiring };
  struct RootInfo {
    std::string fingerprint;  // lowercase hex SHA-256 of the DER
    absl::Time not_after;     // latest a leaf it signs may live
    RootRole role;
  };
  struct State {
    certs::RootRotation::Phase phase;
    std::vector<RootInfo> roots;  // the bundle, signing root first
    absl::Time switch_at;         // kDistributing only
    absl::Time retire_at;         // kDraining only
  };

  static absl::StatusOr<std::unique_ptr<RotatingAuthority>> LoadOrCreate(
      const std::string& dir, const Options& options, const TimeSource& time);

  // Signs with the current signing root. ttl <= 0: options.ca.default_leaf_ttl;
  // capped at max_leaf_ttl. Errors as certs::CertificateAuthority::Sign.
  absl::StatusOr<Issued> Sign(absl::string_view csr_pem, const certs::SpiffeId& granted,
                              absl::Duration ttl);

  // A TLS serving certificate for `dns_names` (the injection webhook's), signed
  // like Sign; errors as certs::CertificateAuthority::IssueServingCertificate.
  absl::StatusOr<Issued> IssueServingCertificate(EVP_PKEY* subject_key,
                                                 const std::vector<std::string>& dns_names,
                                                 absl::Duration ttl);
  std::string TrustBundlePem();

  // Generates the incoming root, persists it to <dir>/next, and starts
  // distributing it. kFailedPrecondition while a rotation is under way.
  absl::StatusOr<State> BeginRotation();

  State GetState();

  const std::string& trust_domain() const { return options_.ca.trust_domain; }

 private:
  struct Root {
    std::unique_ptr<certs::CertificateAuthority> ca;
    std::string fingerprint;
  };
  RotatingAuthority(std::string dir, const Options& options, const TimeSource& time)
      : dir_(std::move(dir)), options_(options), time_(time) {}

  // Sign's and IssueServingCertificate's common part: the signing root signs,
  // ttl defaulted and capped, the leaf recorded for the rotation.
  absl::StatusOr<Issued> SignWith(
      absl::Duration ttl,
      const std::function<absl::StatusOr<std::string>(const certs::CertificateAuthority&,
                                                      absl::Duration)>& sign);
  // Takes due transitions; persists a retirement. Logs (never fails) on I/O errors.
  void AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const Root* FindLocked(const std::string& fingerprint) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string BundleLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  State StateLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  const Options options_;
  const TimeSource& time_;
  weft::Mutex mu_;
  Root active_ ABSL_GUARDED_BY(mu_);    // the root of <dir>
  Root incoming_ ABSL_GUARDED_BY(mu_);  // <dir>/next; ca null when not rotating
  std::unique_ptr<certs::RootRotation> rotation_ ABSL_GUARDED_BY(mu_);
};

absl::string_view RootRoleName(RotatingAuthority::RootRole role);

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_ROTATING_AUTHORITY_H_
