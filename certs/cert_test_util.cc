#include "certs/cert_test_util.h"

#include <stdlib.h>

#include <utility>

#include "absl/status/status.h"
#include "openssl/bio.h"
#include "openssl/mem.h"
#include "openssl/pem.h"

namespace weft {
namespace certs {

absl::StatusOr<KeyAndCsr> MakeKeyAndCsr(const std::string& spiffe_uri) {
  absl::StatusOr<SpiffeId> id = SpiffeId::Parse(spiffe_uri);
  if (!id.ok()) return id.status();
  absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> csr = CreateCsrPem(*key, *id);
  if (!csr.ok()) return csr.status();
  return KeyAndCsr{*std::move(key), *std::move(csr)};
}

absl::StatusOr<std::string> PemToDer(const std::string& pem, std::string* name) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* block_name = nullptr;
  char* header = nullptr;
  uint8_t* data = nullptr;
  long len = 0;
  if (!PEM_read_bio(bio.get(), &block_name, &header, &data, &len)) {
    return absl::InvalidArgumentError("no PEM block");
  }
  if (name != nullptr) *name = block_name;
  std::string der(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  OPENSSL_free(block_name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return der;
}

std::string DerToPem(const std::string& der, const std::string& name) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio(bio.get(), name.c_str(), "", reinterpret_cast<const uint8_t*>(der.data()),
                static_cast<long>(der.size()));
  const uint8_t* out = nullptr;
  size_t out_len = 0;
  BIO_mem_contents(bio.get(), &out, &out_len);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string MakeTempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/certs_test.XXXXXX";
  char* dir = mkdtemp(templ.data());
  return dir != nullptr ? std::string(dir) : std::string();
}

}  // namespace certs
}  // namespace weft
