#include "control-plane/ca/rotating_authority.h"

#include <unistd.h>

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/trust_bundle.h"
#include "common/log/log.h"

namespace weft::control_plane::ca {
namespace {

using certs::CertificateAuthority;
using certs::RootRotation;

constexpr char kNextDir[] = "next";

absl::StatusOr<std::string> Fingerprint(const CertificateAuthority& ca) {
  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem(ca.trust_domain(), ca.root_cert_pem());
  if (!bundle.ok()) return bundle.status();
  return bundle->Fingerprints().front();
}

bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void RemoveCaFiles(const std::string& dir) {
  for (const char* name :
       {CertificateAuthority::kRootCertFile, CertificateAuthority::kRootKeyFile,
        CertificateAuthority::kIntermediateCertFile, CertificateAuthority::kIntermediateKeyFile}) {
    unlink(absl::StrCat(dir, "/", name).c_str());
  }
}

}  // namespace

absl::string_view RootRoleName(RotatingAuthority::RootRole role) {
  switch (role) {
    case RotatingAuthority::RootRole::kSigning:
      return "signing";
    case RotatingAuthority::RootRole::kIncoming:
      return "incoming";
    case RotatingAuthority::RootRole::kRetiring:
      return "retiring";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<RotatingAuthority>> RotatingAuthority::LoadOrCreate(
    const std::string& dir, const Options& options, const TimeSource& time) {
  if (options.max_leaf_ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the maximum certificate lifetime must be positive");
  }
  if (options.distribution_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the root distribution delay must not be negative");
  }
  std::unique_ptr<RotatingAuthority> a(new RotatingAuthority(dir, options, time));
  weft::MutexLock lock(&a->mu_);
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> active =
      CertificateAuthority::LoadOrCreate(dir, options.ca, time);
  if (!active.ok()) return active.status();
  absl::StatusOr<std::string> fp = Fingerprint(**active);
  if (!fp.ok()) return fp.status();
  a->active_ = Root{std::move(*active), *fp};
  RootRotation::Options rotation_options;
  rotation_options.distribution_delay = options.distribution_delay;
  // Every leaf is capped at max_leaf_ttl, so that bounds how long old leaves live.
  rotation_options.max_leaf_ttl = options.max_leaf_ttl;
  a->rotation_ = std::make_unique<RootRotation>(*fp, time, rotation_options);

  const std::string next_dir = absl::StrCat(dir, "/", kNextDir);
  if (FileExists(absl::StrCat(next_dir, "/", CertificateAuthority::kRootCertFile))) {
    absl::StatusOr<std::unique_ptr<CertificateAuthority>> next =
        CertificateAuthority::LoadOrCreate(next_dir, options.ca, time);
    if (!next.ok()) {
      return absl::Status(next.status().code(),
                          absl::StrCat("incoming root in ", next_dir, ": ", next.status().message()));
    }
    absl::StatusOr<std::string> next_fp = Fingerprint(**next);
    if (!next_fp.ok()) return next_fp.status();
    if (*next_fp != *fp) {
      if (absl::Status s = a->rotation_->BeginRotation(*next_fp); !s.ok()) return s;
      a->incoming_ = Root{std::move(*next), *next_fp};
      WEFT_LOG(kInfo, "ca: resuming the rotation to root %s (distributing)", *next_fp);
    }
  }
  return a;
}

const RotatingAuthority::Root* RotatingAuthority::FindLocked(const std::string& fp) const {
  if (active_.fingerprint == fp) return &active_;
  if (incoming_.ca != nullptr && incoming_.fingerprint == fp) return &incoming_;
  return nullptr;
}

void RotatingAuthority::AdvanceLocked() {
  if (incoming_.ca == nullptr) return;
  const RootRotation::Phase before = rotation_->phase();
  const RootRotation::Phase after = rotation_->Advance();
  if (before == RootRotation::Phase::kDistributing && after != before) {
    WEFT_LOG(kInfo, "ca: root %s now signs (draining %s)", incoming_.fingerprint,
             active_.fingerprint);
  }
  if (after != RootRotation::Phase::kStable) return;
  // Retired: the incoming CA becomes <dir>'s CA. Write it over the old files
  // (root-cert.pem last), then drop next/.
  RemoveCaFiles(dir_);
  if (absl::Status s = incoming_.ca->WriteToDirectory(dir_); !s.ok()) {
    WEFT_LOG(kError, "ca: cannot persist the new root in %s: %s (it stays in %s/%s)", dir_,
             s.message(), dir_, kNextDir);
  } else {
    RemoveCaFiles(absl::StrCat(dir_, "/", kNextDir));
    rmdir(absl::StrCat(dir_, "/", kNextDir).c_str());
  }
  WEFT_LOG(kInfo, "ca: root %s retired; %s is the only root", active_.fingerprint,
           incoming_.fingerprint);
  active_ = std::move(incoming_);
  incoming_ = Root{};
}

absl::StatusOr<RotatingAuthority::Issued> RotatingAuthority::SignWith(
    absl::Duration ttl,
    const std::function<absl::StatusOr<std::string>(const certs::CertificateAuthority&,
                                                    absl::Duration)>& sign) {
  weft::MutexLock lock(&mu_);
  AdvanceLocked();
  if (ttl <= absl::ZeroDuration()) ttl = options_.ca.default_leaf_ttl;
  ttl = std::min(ttl, options_.max_leaf_ttl);
  const Root* signer = FindLocked(rotation_->signing_root());
  if (signer == nullptr) return absl::InternalError("the signing root is not loaded");
  absl::StatusOr<std::string> chain = sign(*signer->ca, ttl);
  if (!chain.ok()) return chain.status();
  rotation_->RecordIssued(signer->fingerprint,
                          std::min(time_.SystemNow() + ttl, signer->ca->not_after()));
  return Issued{*std::move(chain), signer->fingerprint, BundleLocked()};
}

absl::StatusOr<RotatingAuthority::Issued> RotatingAuthority::Sign(absl::string_view csr_pem,
                                                                  const certs::SpiffeId& granted,
                                                                  absl::Duration ttl) {
  return SignWith(ttl, [&](const certs::CertificateAuthority& ca, absl::Duration capped) {
    return ca.Sign(csr_pem, granted, capped);
  });
}

absl::StatusOr<RotatingAuthority::Issued> RotatingAuthority::IssueServingCertificate(
    EVP_PKEY* subject_key, const std::vector<std::string>& dns_names, absl::Duration ttl) {
  return SignWith(ttl, [&](const certs::CertificateAuthority& ca, absl::Duration capped) {
    return ca.IssueServingCertificate(subject_key, dns_names, capped);
  });
}

std::string RotatingAuthority::BundleLocked() const {
  std::string pem;
  for (const std::string& fp : rotation_->BundleRoots()) {
    if (const Root* r = FindLocked(fp); r != nullptr) pem += r->ca->root_cert_pem();
  }
  return pem;
}

std::string RotatingAuthority::TrustBundlePem() {
  weft::MutexLock lock(&mu_);
  AdvanceLocked();
  return BundleLocked();
}

RotatingAuthority::State RotatingAuthority::StateLocked() const {
  State state;
  state.phase = rotation_->phase();
  state.switch_at = rotation_->SwitchAt();
  state.retire_at = rotation_->RetireAt();
  const std::string& signing = rotation_->signing_root();
  for (const std::string& fp : rotation_->BundleRoots()) {
    const Root* r = FindLocked(fp);
    if (r == nullptr) continue;
    RootRole role = RootRole::kSigning;
    if (fp != signing) {
      role = state.phase == certs::RootRotation::Phase::kDistributing ? RootRole::kIncoming
                                                                      : RootRole::kRetiring;
    }
    state.roots.push_back(RootInfo{fp, r->ca->not_after(), role});
  }
  return state;
}

RotatingAuthority::State RotatingAuthority::GetState() {
  weft::MutexLock lock(&mu_);
  AdvanceLocked();
  return StateLocked();
}

absl::StatusOr<RotatingAuthority::State> RotatingAuthority::BeginRotation() {
  weft::MutexLock lock(&mu_);
  AdvanceLocked();
  if (incoming_.ca != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a root rotation is already under way (phase ", certs::PhaseName(rotation_->phase()),
        ", incoming root ", incoming_.fingerprint, ")"));
  }
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> next =
      CertificateAuthority::Generate(options_.ca, time_);
  if (!next.ok()) return next.status();
  absl::StatusOr<std::string> fp = Fingerprint(**next);
  if (!fp.ok()) return fp.status();
  const std::string next_dir = absl::StrCat(dir_, "/", kNextDir);
  RemoveCaFiles(next_dir);  // leftovers of an interrupted attempt
  if (absl::Status s = certs::EnsureDirectory(next_dir, 0700); !s.ok()) return s;
  if (absl::Status s = (*next)->WriteToDirectory(next_dir); !s.ok()) return s;
  if (absl::Status s = rotation_->BeginRotation(*fp); !s.ok()) return s;
  incoming_ = Root{std::move(*next), *fp};
  WEFT_LOG(kInfo, "ca: root rotation begun: distributing root %s; it signs from %s", *fp,
           absl::FormatTime(absl::RFC3339_sec, rotation_->SwitchAt(), absl::UTCTimeZone()));
  return StateLocked();
}

}  // namespace weft::control_plane::ca
