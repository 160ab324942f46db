#include "control-plane/ca/certificate_issuer.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "control-plane/ca/leaf_info.h"

namespace weft::control_plane::ca {

absl::StatusOr<IssuedResponse> CertificateIssuer::Issue(const CertificateRequest& request) {
  absl::StatusOr<IssuedResponse> response = IssueUncounted(request);
  if (metrics_ != nullptr) metrics_->Count(ResultOf(response.status()));
  if (!response.ok()) {
    WEFT_LOG(kWarning, "ca: refused a certificate request from %s (%s): %s", request.peer,
             SigningResultLabel(ResultOf(response.status())), response.status().message());
  }
  return response;
}

absl::StatusOr<IssuedResponse> CertificateIssuer::IssueUncounted(
    const CertificateRequest& request) {
  // Cheap shape checks first, so oversized input costs nothing.
  if (request.token.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError(
        absl::StrCat("the identity token is longer than ", kMaxTokenBytes, " bytes"));
  }
  if (request.csr_pem.empty()) return absl::InvalidArgumentError("the request has no CSR");
  if (request.csr_pem.size() > kMaxCsrBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the CSR is longer than ", kMaxCsrBytes, " bytes"));
  }
  if (request.lifetime < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "requested lifetime ", absl::FormatDuration(request.lifetime), " is negative"));
  }
  // Who the caller is decides everything; the CSR only has to agree.
  absl::StatusOr<certs::SpiffeId> granted = verifier_.Verify(request.token);
  if (!granted.ok()) return granted.status();
  absl::StatusOr<RotatingAuthority::Issued> issued =
      authority_.Sign(request.csr_pem, *granted, request.lifetime);
  if (!issued.ok()) return issued.status();
  absl::StatusOr<LeafInfo> leaf = ReadLeafInfo(issued->chain_pem);
  if (!leaf.ok()) {
    return absl::InternalError(absl::StrCat("the CA produced an unreadable certificate: ",
                                            leaf.status().message()));
  }
  const absl::Time now = time_.SystemNow();
  if (issued_ != nullptr) {
    issued_->Record(IssuedCertificate{granted->ToString(), leaf->serial, issued->root_fingerprint,
                                      request.peer, now, leaf->not_after},
                    now);
  }
  WEFT_LOG(kInfo, "ca: issued %s serial %s until %s (root %s) to %s", granted->ToString(),
           leaf->serial, absl::FormatTime(absl::RFC3339_sec, leaf->not_after, absl::UTCTimeZone()),
           issued->root_fingerprint.substr(0, 16), request.peer);
  return IssuedResponse{std::move(issued->chain_pem), std::move(issued->trust_bundle_pem),
                        leaf->not_after, granted->ToString()};
}

}  // namespace weft::control_plane::ca
