#ifndef WEFT_CERTS_CERTIFICATE_BUILDER_H_
#define WEFT_CERTS_CERTIFICATE_BUILDER_H_

// Builds and signs one X.509 v3 certificate in Weft's profile: random 128-bit
// serial, SHA-256 ECDSA signature, subject/authority key identifiers, and
// either a CA profile (CA:TRUE, keyCertSign+cRLSign) or a SPIFFE workload
// profile (CA:FALSE, digitalSignature+keyEncipherment, serverAuth+clientAuth).
// Internal to certs/: the CA is the only caller.
//
// Thread-safe; the spec's pointers are borrowed for the duration of the call.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "openssl/base.h"
#include "openssl/evp.h"
#include "openssl/x509.h"

namespace weft {
namespace certs {

struct CertificateSpec {
  EVP_PKEY* subject_key = nullptr;  // Public half goes into the certificate.
  // Subject name parts; both empty gives an empty subject (then the SAN is
  // marked critical, as RFC 5280 requires).
  std::string common_name;
  std::string organization;
  X509* issuer_cert = nullptr;       // Null: self-signed by subject_key.
  EVP_PKEY* issuer_key = nullptr;    // Ignored when self-signed.
  absl::Time not_before;
  absl::Time not_after;
  bool is_ca = false;
  int path_length = -1;              // CA only; < 0 means unlimited.
  std::string uri_san;               // The URI subjectAltName; empty for none.
  std::vector<std::string> dns_sans;  // DNS subjectAltNames (serving certificates).
};

// kInvalidArgument on an inconsistent spec, kInternal if BoringSSL fails.
absl::StatusOr<bssl::UniquePtr<X509>> BuildCertificate(const CertificateSpec& spec);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_CERTIFICATE_BUILDER_H_
