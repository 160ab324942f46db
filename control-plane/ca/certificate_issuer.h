#ifndef WEFT_CONTROL_PLANE_CA_CERTIFICATE_ISSUER_H_
#define WEFT_CONTROL_PLANE_CA_CERTIFICATE_ISSUER_H_

// The CA's request handling without gRPC: check the request's shape, ask the
// IdentityVerifier who the caller is, sign exactly that identity, record the
// certificate and count the outcome. CertificateService is the gRPC adapter.
//
//   CertificateIssuer issuer(authority, verifier, &issued, &metrics, time);
//   absl::StatusOr<IssuedResponse> r = issuer.Issue({csr_pem, absl::Hours(24), token, peer});
//
// Status codes are the API's (api/weft/ca/v1/ca.proto): kUnauthenticated,
// kPermissionDenied (naming the requested and the granted identity),
// kInvalidArgument, kFailedPrecondition, kUnavailable.
//
// Logs one line per request: the identity, serial and expiry on success, the
// reason on refusal. Never the token, the CSR or any key.
// Thread-safe; everything passed in is borrowed and must outlive the issuer.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"
#include "control-plane/ca/ca_metrics.h"
#include "control-plane/ca/identity_verifier.h"
#include "control-plane/ca/issued_certificates.h"
#include "control-plane/ca/rotating_authority.h"

namespace weft::control_plane::ca {

struct CertificateRequest {
  std::string csr_pem;
  absl::Duration lifetime;  // <= 0: the CA's default
  std::string token;        // secret
  std::string peer;         // for logs and /debug/certs
};

struct IssuedResponse {
  std::string chain_pem;
  std::string trust_bundle_pem;
  absl::Time not_after;
  std::string spiffe_id;
};

class CertificateIssuer {
 public:
  static constexpr size_t kMaxCsrBytes = 64 * 1024;
  static constexpr size_t kMaxTokenBytes = 8 * 1024;

  CertificateIssuer(RotatingAuthority& authority, const IdentityVerifier& verifier,
                    IssuedCertificates* issued, CaMetrics* metrics, const TimeSource& time)
      : authority_(authority), verifier_(verifier), issued_(issued), metrics_(metrics),
        time_(time) {}

  absl::StatusOr<IssuedResponse> Issue(const CertificateRequest& request);

 private:
  absl::StatusOr<IssuedResponse> IssueUncounted(const CertificateRequest& request);

  RotatingAuthority& authority_;
  const IdentityVerifier& verifier_;
  IssuedCertificates* const issued_;  // optional
  CaMetrics* const metrics_;          // optional
  const TimeSource& time_;
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_CERTIFICATE_ISSUER_H_
