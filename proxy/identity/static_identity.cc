#include "proxy/identity/static_identity.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/trust_bundle.h"
#include "certs/x509_util.h"

namespace weft::identity {
namespace {

absl::Status Annotate(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

}  // namespace

absl::StatusOr<certs::SpiffeId> LoadStaticIdentity(const StaticIdentityFiles& files,
                                                   const TimeSource& time, tls::MeshTls& mesh) {
  absl::StatusOr<std::string> chain = certs::ReadSmallFile(files.cert_file, certs::kMaxPemBytes);
  if (!chain.ok()) return Annotate(chain.status(), files.cert_file);
  absl::StatusOr<std::string> key = certs::ReadSmallFile(files.key_file, certs::kMaxPemBytes);
  if (!key.ok()) return Annotate(key.status(), files.key_file);
  absl::StatusOr<std::string> bundle_pem =
      certs::ReadSmallFile(files.trust_bundle_file, certs::kMaxPemBytes);
  if (!bundle_pem.ok()) return Annotate(bundle_pem.status(), files.trust_bundle_file);

  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> certs = certs::ParseCertificatesPem(*chain);
  if (!certs.ok()) return Annotate(certs.status(), files.cert_file);
  absl::StatusOr<std::vector<std::string>> uris = certs::CertificateUriSans((*certs)[0].get());
  if (!uris.ok()) return Annotate(uris.status(), files.cert_file);
  if (uris->size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(files.cert_file, ": the leaf certificate must carry exactly one URI SAN "
                                      "(its SPIFFE ID), found ",
                     uris->size()));
  }
  absl::StatusOr<certs::SpiffeId> id = certs::SpiffeId::Parse((*uris)[0]);
  if (!id.ok()) return Annotate(id.status(), files.cert_file);
  absl::StatusOr<absl::Time> not_after =
      certs::AsnTimeToTime(X509_get0_notAfter((*certs)[0].get()));
  if (!not_after.ok()) return Annotate(not_after.status(), files.cert_file);

  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem(id->trust_domain(), *bundle_pem);
  if (!bundle.ok()) return Annotate(bundle.status(), files.trust_bundle_file);
  absl::StatusOr<certs::SpiffeId> verified =
      certs::VerifyWorkloadChain(*chain, *bundle, time.SystemNow());
  if (!verified.ok()) {
    return Annotate(verified.status(), absl::StrCat(files.cert_file, " against ",
                                                    files.trust_bundle_file));
  }
  if (absl::Status set = mesh.SetCertificate(*chain, *key, *bundle_pem, id->trust_domain(),
                                             *not_after);
      !set.ok()) {
    return Annotate(set, absl::StrCat(files.cert_file, " with ", files.key_file));
  }
  return *std::move(verified);
}

}  // namespace weft::identity
