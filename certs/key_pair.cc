#include "certs/key_pair.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "certs/x509_util.h"
#include "openssl/bio.h"
#include "openssl/bytestring.h"
#include "openssl/ec.h"
#include "openssl/ec_key.h"
#include "openssl/mem.h"
#include "openssl/nid.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

// Reads exactly one PEM block named `want` from `pem` into `der`.
absl::Status ReadSinglePemBlock(absl::string_view pem, absl::string_view want,
                                std::string* der) {
  if (pem.size() > kMaxPemBytes) {
    return absl::InvalidArgumentError(absl::StrCat("PEM input is ", pem.size(),
                                                   " bytes, more than ", kMaxPemBytes));
  }
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  uint8_t* data = nullptr;
  long len = 0;
  if (bio == nullptr || !PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
    DrainSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("no decodable PEM block found; expected \"", want, "\""));
  }
  bssl::UniquePtr<char> name_owner(name);
  bssl::UniquePtr<char> header_owner(header);
  bssl::UniquePtr<uint8_t> data_owner(data);  // OPENSSL_free zeroes it.
  if (absl::string_view(name) != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PEM block is \"", absl::CHexEscape(std::string(name).substr(0, 64)),
        "\", expected \"", want, "\""));
  }
  der->assign(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  return absl::OkStatus();
}

// Overwrites a string that held key material before it is freed.
void Wipe(std::string* s) {
  OPENSSL_cleanse(s->data(), s->size());
  s->clear();
}

}  // namespace

bool IsP256Key(const EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_EC) return false;
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  return ec != nullptr && EC_KEY_get0_group(ec) != nullptr &&
         EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) == NID_X9_62_prime256v1;
}

absl::StatusOr<KeyPair> KeyPair::GenerateP256() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (ec == nullptr || key == nullptr || !EC_KEY_generate_key(ec.get()) ||
      !EVP_PKEY_assign_EC_KEY(key.get(), ec.release())) {
    return SslStatus(absl::StatusCode::kInternal, "generating a P-256 key");
  }
  return KeyPair(std::move(key));
}

absl::StatusOr<KeyPair> KeyPair::FromKey(bssl::UniquePtr<EVP_PKEY> key) {
  if (!IsP256Key(key.get())) {
    return absl::InvalidArgumentError("key is not an ECDSA P-256 key");
  }
  return KeyPair(std::move(key));
}

absl::StatusOr<KeyPair> KeyPair::FromPkcs8Pem(absl::string_view pem) {
  std::string der;
  if (absl::Status s = ReadSinglePemBlock(pem, "PRIVATE KEY", &der); !s.ok()) {
    Wipe(&der);
    return absl::InvalidArgumentError(absl::StrCat(
        "private key: ", s.message(),
        " (unencrypted PKCS#8; convert with `openssl pkcs8 -topk8 -nocrypt`)"));
  }
  CBS cbs;
  CBS_init(&cbs, reinterpret_cast<const uint8_t*>(der.data()), der.size());
  bssl::UniquePtr<EVP_PKEY> key(EVP_parse_private_key(&cbs));
  const bool trailing = CBS_len(&cbs) != 0;
  Wipe(&der);
  if (key == nullptr) {
    DrainSslErrors();  // Never surface parser details about secret bytes.
    return absl::InvalidArgumentError("private key: PKCS#8 structure does not decode");
  }
  if (trailing) return absl::InvalidArgumentError("private key: trailing bytes after PKCS#8");
  return FromKey(std::move(key));
}

absl::StatusOr<std::string> KeyPair::ToPkcs8Pem() const {
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!CBB_init(cbb.get(), 128) || !EVP_marshal_private_key(cbb.get(), key_.get()) ||
      !CBB_finish(cbb.get(), &der, &der_len)) {
    return SslStatus(absl::StatusCode::kInternal, "encoding the private key");
  }
  bssl::UniquePtr<uint8_t> der_owner(der);  // OPENSSL_free zeroes it.
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const uint8_t* pem = nullptr;
  size_t pem_len = 0;
  if (bio == nullptr ||
      !PEM_write_bio(bio.get(), "PRIVATE KEY", "", der, static_cast<long>(der_len)) ||
      !BIO_mem_contents(bio.get(), &pem, &pem_len)) {
    return SslStatus(absl::StatusCode::kInternal, "writing the private key PEM");
  }
  std::string out(reinterpret_cast<const char*>(pem), pem_len);
  OPENSSL_cleanse(const_cast<uint8_t*>(pem), pem_len);
  return out;
}

absl::StatusOr<std::string> CreateCsrPem(const KeyPair& key, const SpiffeId& id) {
  bssl::UniquePtr<X509_REQ> req(X509_REQ_new());
  bssl::UniquePtr<GENERAL_NAMES> names(GENERAL_NAMES_new());
  bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
  bssl::UniquePtr<ASN1_IA5STRING> uri(ASN1_IA5STRING_new());
  const std::string uri_text = id.ToString();
  if (req == nullptr || names == nullptr || name == nullptr || uri == nullptr ||
      !X509_REQ_set_version(req.get(), 0) || !X509_REQ_set_pubkey(req.get(), key.key()) ||
      !ASN1_STRING_set(uri.get(), uri_text.data(), static_cast<int>(uri_text.size()))) {
    return SslStatus(absl::StatusCode::kInternal, "building the CSR");
  }
  GENERAL_NAME_set0_value(name.get(), GEN_URI, uri.release());
  if (!bssl::PushToStack(names.get(), std::move(name))) {
    return SslStatus(absl::StatusCode::kInternal, "building the CSR's subjectAltName");
  }
  bssl::UniquePtr<STACK_OF(X509_EXTENSION)> extensions(sk_X509_EXTENSION_new_null());
  bssl::UniquePtr<X509_EXTENSION> san(
      X509V3_EXT_i2d(NID_subject_alt_name, /*crit=*/1, names.get()));
  if (extensions == nullptr || san == nullptr ||
      !bssl::PushToStack(extensions.get(), std::move(san)) ||
      !X509_REQ_add_extensions(req.get(), extensions.get()) ||
      !X509_REQ_sign(req.get(), key.key(), EVP_sha256())) {
    return SslStatus(absl::StatusCode::kInternal, "signing the CSR");
  }
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (bio == nullptr || !PEM_write_bio_X509_REQ(bio.get(), req.get()) ||
      !BIO_mem_contents(bio.get(), &data, &len)) {
    return SslStatus(absl::StatusCode::kInternal, "writing the CSR PEM");
  }
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace certs
}  // namespace weft
