#ifndef WEFT_CERTS_TEST_PKI_H_
#define WEFT_CERTS_TEST_PKI_H_

// Throwaway ECDSA P-256 certificates made with Weft's BoringSSL, for tests that
// need a CA and leaves without files on disk.
//
//   CertOptions options;
//   options.common_name = "test ca";
//   options.not_before = time_source.SystemNow();
//   absl::StatusOr<KeyAndCert> ca = MakeSelfSignedCa(options);
//   options.common_name = "server";
//   options.dns_names = {"localhost"};
//   options.ip_addresses = {"127.0.0.1"};
//   absl::StatusOr<KeyAndCert> leaf = MakeLeafCert(options, *ca);
//
// Each KeyAndCert carries both BoringSSL objects (for SSL_CTX) and PEM (for
// gRPC, whose TLS stack is a different library and cannot take our objects).
// Functions are thread-safe; results are plain values owned by the caller.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "openssl/base.h"
#include "openssl/evp.h"
#include "openssl/x509.h"

namespace weft {
namespace certs {

struct KeyAndCert {
  bssl::UniquePtr<EVP_PKEY> key;
  bssl::UniquePtr<X509> cert;
  std::string key_pem;   // PKCS#8 "PRIVATE KEY".
  std::string cert_pem;  // "CERTIFICATE".
};

struct CertOptions {
  std::string common_name;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries.
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries, v4 or v6 text.
  // Taken from the caller's TimeSource; the certificate is valid from here.
  absl::Time not_before = absl::InfinitePast();
  absl::Duration lifetime = absl::Hours(24);
};

// A CA certificate (basicConstraints CA:TRUE, keyCertSign) signing itself.
// SANs in `options` are ignored. kInvalidArgument on bad options, kInternal when
// BoringSSL fails.
absl::StatusOr<KeyAndCert> MakeSelfSignedCa(const CertOptions& options);

// An end-entity certificate for TLS servers and clients (serverAuth and
// clientAuth), signed by `issuer`. kInvalidArgument on bad options (e.g. an IP
// address that does not parse), kInternal when BoringSSL fails.
absl::StatusOr<KeyAndCert> MakeLeafCert(const CertOptions& options,
                                        const KeyAndCert& issuer);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_TEST_PKI_H_
