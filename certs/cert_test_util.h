#ifndef WEFT_CERTS_CERT_TEST_UTIL_H_
#define WEFT_CERTS_CERT_TEST_UTIL_H_

// Helpers for certs/ tests: a proxy-side key + CSR in one call, PEM<->DER for
// tampering, and a private temporary directory. Test-only; thread-compatible.

#include <string>

#include "absl/status/statusor.h"
#include "certs/key_pair.h"
#include "certs/spiffe_id.h"

namespace weft {
namespace certs {

struct KeyAndCsr {
  KeyPair key;
  std::string csr_pem;
};

// A fresh P-256 key and a CSR for `spiffe_uri` (which must parse).
absl::StatusOr<KeyAndCsr> MakeKeyAndCsr(const std::string& spiffe_uri);

// The DER inside the first PEM block of `pem`, and its block name.
absl::StatusOr<std::string> PemToDer(const std::string& pem, std::string* name = nullptr);

// A PEM block named `name` around `der`.
std::string DerToPem(const std::string& der, const std::string& name);

// A new empty directory under TEST_TMPDIR (or /tmp), mode 0700.
std::string MakeTempDir();

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_CERT_TEST_UTIL_H_
