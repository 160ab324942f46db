#ifndef WEFT_CERTS_KEY_PAIR_H_
#define WEFT_CERTS_KEY_PAIR_H_

// ECDSA P-256 key pairs and certificate signing requests: what a proxy does to
// get its workload certificate without its private key ever leaving it.
//
//   absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
//   absl::StatusOr<std::string> csr = CreateCsrPem(*key, spiffe_id);
//   // send *csr to the CA; keep *key
//   absl::StatusOr<std::string> pem = key->ToPkcs8Pem();  // secret: never log it
//
// KeyPair is move-only and thread-compatible (BoringSSL keys are safe for
// concurrent signing, but not for concurrent moves). The free functions are
// thread-safe. Randomness comes from BoringSSL's RNG.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certs/spiffe_id.h"
#include "openssl/base.h"
#include "openssl/evp.h"

namespace weft {
namespace certs {

class KeyPair {
 public:
  // A fresh ECDSA P-256 key. kInternal if BoringSSL fails.
  static absl::StatusOr<KeyPair> GenerateP256();

  // Decodes one "PRIVATE KEY" (unencrypted PKCS#8) PEM block holding an ECDSA
  // P-256 key. kInvalidArgument, without echoing key bytes, on anything else.
  static absl::StatusOr<KeyPair> FromPkcs8Pem(absl::string_view pem);

  // Takes ownership of `key`, which must be ECDSA P-256 (kInvalidArgument otherwise).
  static absl::StatusOr<KeyPair> FromKey(bssl::UniquePtr<EVP_PKEY> key);

  KeyPair(KeyPair&&) = default;
  KeyPair& operator=(KeyPair&&) = default;

  // The private key as a "PRIVATE KEY" (PKCS#8) PEM block. Secret.
  absl::StatusOr<std::string> ToPkcs8Pem() const;

  // Borrowed; valid while this KeyPair lives.
  EVP_PKEY* key() const { return key_.get(); }

 private:
  explicit KeyPair(bssl::UniquePtr<EVP_PKEY> key) : key_(std::move(key)) {}
  bssl::UniquePtr<EVP_PKEY> key_;
};

// True if `key` is an EC key on P-256.
bool IsP256Key(const EVP_PKEY* key);

// A PKCS#10 "CERTIFICATE REQUEST" PEM block for `key`, signed with it
// (ECDSA-SHA256), with an empty subject and `id` as its only subjectAltName
// (a critical URI SAN, as in the certificate it asks for). kInternal if
// BoringSSL fails.
absl::StatusOr<std::string> CreateCsrPem(const KeyPair& key, const SpiffeId& id);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_KEY_PAIR_H_
