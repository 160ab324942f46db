#ifndef WEFT_CERTS_X509_UTIL_H_
#define WEFT_CERTS_X509_UTIL_H_

// Small BoringSSL helpers shared by the certs libraries: PEM/DER reading and
// writing of certificates, URI SANs, and time conversion. Internal to certs/;
// other code uses key_pair.h, certificate_authority.h and trust_bundle.h.
//
// All functions are thread-safe. They report BoringSSL failures as Status and
// drain BoringSSL's thread-local error queue, so no stale error leaks into the
// next call on the same thread. Inputs are never trusted: garbage gives
// kInvalidArgument, never a crash.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "openssl/base.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {

// Upper bound on certificates in one chain PEM, and on PEM input size, so that
// hostile input cannot make us parse without end.
inline constexpr size_t kMaxChainCertificates = 16;
inline constexpr size_t kMaxPemBytes = 256 * 1024;

// BoringSSL's error queue as "a; b; c", emptied. "" when it was empty.
std::string DrainSslErrors();

// `code` status with `what` and the drained BoringSSL error queue.
absl::Status SslStatus(absl::StatusCode code, absl::string_view what);

// Every "CERTIFICATE" block in `pem`, in order. kInvalidArgument when there is
// none, when a block does not decode, when a block of another type is present,
// or past kMaxChainCertificates/kMaxPemBytes.
absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> ParseCertificatesPem(absl::string_view pem);

// One DER certificate; kInvalidArgument when it does not decode or has
// trailing bytes.
absl::StatusOr<bssl::UniquePtr<X509>> ParseCertificateDer(absl::string_view der);

// PEM "CERTIFICATE" block for `cert`.
absl::StatusOr<std::string> CertificateToPem(X509* cert);

// The URI entries of a subjectAltName extension list (GENERAL_NAMES), in order.
std::vector<std::string> UriNames(const GENERAL_NAMES* names);

// The URI SANs of `cert`. kInvalidArgument when the extension is present but
// does not decode, or appears twice.
absl::StatusOr<std::vector<std::string>> CertificateUriSans(const X509* cert);

// An ASN1_TIME (UTCTime or GeneralizedTime) as absl::Time.
absl::StatusOr<absl::Time> AsnTimeToTime(const ASN1_TIME* time);

// Sets `out` to `t` (whole seconds). kInvalidArgument when out of range.
absl::Status SetAsnTime(ASN1_TIME* out, absl::Time t);

// Lowercase hex SHA-256 of the DER encoding: a stable name for a certificate.
absl::StatusOr<std::string> CertificateFingerprint(X509* cert);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_X509_UTIL_H_
