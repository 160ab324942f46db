#include "certs/csr.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "certs/key_pair.h"
#include "certs/x509_util.h"
#include "openssl/bio.h"
#include "openssl/mem.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {

absl::StatusOr<VerifiedCsr> ParseAndVerifyCsrPem(absl::string_view pem) {
  if (pem.size() > kMaxPemBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("CSR PEM is ", pem.size(), " bytes, more than ", kMaxPemBytes));
  }
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  uint8_t* data = nullptr;
  long len = 0;
  if (bio == nullptr || !PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
    return SslStatus(absl::StatusCode::kInvalidArgument,
                     "CSR: no decodable \"CERTIFICATE REQUEST\" PEM block");
  }
  bssl::UniquePtr<char> name_owner(name);
  bssl::UniquePtr<char> header_owner(header);
  bssl::UniquePtr<uint8_t> data_owner(data);
  const absl::string_view block_name(name);
  if (block_name != "CERTIFICATE REQUEST" && block_name != "NEW CERTIFICATE REQUEST") {
    return absl::InvalidArgumentError(
        absl::StrCat("CSR: PEM block is \"", absl::CHexEscape(block_name.substr(0, 64)),
                     "\", expected \"CERTIFICATE REQUEST\""));
  }
  return ParseAndVerifyCsrDer(
      absl::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(len)));
}

absl::StatusOr<VerifiedCsr> ParseAndVerifyCsrDer(absl::string_view der) {
  if (der.size() > kMaxPemBytes) return absl::InvalidArgumentError("CSR: DER is too large");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(der.data());
  const uint8_t* end = p + der.size();
  bssl::UniquePtr<X509_REQ> req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (req == nullptr) {
    return SslStatus(absl::StatusCode::kInvalidArgument, "CSR: DER does not decode");
  }
  if (p != end) {
    return absl::InvalidArgumentError(absl::StrCat("CSR: ", end - p, " trailing bytes"));
  }
  VerifiedCsr out;
  out.public_key.reset(X509_REQ_get_pubkey(req.get()));
  if (out.public_key == nullptr) {
    return SslStatus(absl::StatusCode::kInvalidArgument, "CSR: public key does not decode");
  }
  if (!IsP256Key(out.public_key.get())) {
    return absl::InvalidArgumentError("CSR: public key is not ECDSA P-256");
  }
  if (X509_REQ_verify(req.get(), out.public_key.get()) != 1) {
    return SslStatus(absl::StatusCode::kInvalidArgument,
                     "CSR: signature does not verify with the CSR's own key (tampered or "
                     "corrupted request)");
  }
  bssl::UniquePtr<STACK_OF(X509_EXTENSION)> extensions(X509_REQ_get_extensions(req.get()));
  DrainSslErrors();  // A CSR without extensions leaves a harmless error behind.
  if (extensions == nullptr) return out;
  bool seen_san = false;
  for (size_t i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(extensions.get(), i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
    if (seen_san) return absl::InvalidArgumentError("CSR: more than one subjectAltName");
    seen_san = true;
    bssl::UniquePtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext)));
    if (names == nullptr) {
      return SslStatus(absl::StatusCode::kInvalidArgument,
                       "CSR: subjectAltName does not decode");
    }
    out.uri_sans = UriNames(names.get());
  }
  return out;
}

}  // namespace certs
}  // namespace weft
