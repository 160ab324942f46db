#ifndef WEFT_CERTS_CSR_H_
#define WEFT_CERTS_CSR_H_

// Parses a PKCS#10 certificate signing request from an untrusted peer and
// checks its self-signature (proof that the requester holds the private key).
// Used by the CA before it looks at what the CSR asks for.
//
//   absl::StatusOr<VerifiedCsr> csr = ParseAndVerifyCsrPem(pem);
//   if (!csr.ok()) return csr.status();  // kInvalidArgument: malformed, bad signature,
//                                        // not P-256
//   csr->uri_sans;                       // what it asks for, unchecked
//
// Thread-safe. Bounded work on any input; never crashes on garbage.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/base.h"
#include "openssl/evp.h"

namespace weft {
namespace certs {

struct VerifiedCsr {
  bssl::UniquePtr<EVP_PKEY> public_key;  // ECDSA P-256, signature checked.
  std::vector<std::string> uri_sans;     // From the extensionRequest, in order.
};

// One "CERTIFICATE REQUEST" (or legacy "NEW CERTIFICATE REQUEST") PEM block.
// kInvalidArgument when it does not decode, its key is not ECDSA P-256, or its
// signature does not verify with its own key.
absl::StatusOr<VerifiedCsr> ParseAndVerifyCsrPem(absl::string_view pem);

// The same for DER.
absl::StatusOr<VerifiedCsr> ParseAndVerifyCsrDer(absl::string_view der);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_CSR_H_
