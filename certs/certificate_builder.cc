#include "certs/certificate_builder.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "certs/x509_util.h"
#include "openssl/bn.h"
#include "openssl/rand.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

absl::Status AddConfExtension(X509V3_CTX* ctx, X509* cert, int nid, const char* value) {
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (ext == nullptr || !X509_add_ext(cert, ext.get(), -1)) {
    return SslStatus(absl::StatusCode::kInternal,
                     absl::StrCat("adding extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

// Built as a GENERAL_NAME rather than config text, so that no byte of the URI
// can be read as config syntax.
absl::Status AddSubjectAltNames(X509* cert, const std::string& uri,
                                const std::vector<std::string>& dns_names, bool critical) {
  bssl::UniquePtr<GENERAL_NAMES> names(GENERAL_NAMES_new());
  if (names == nullptr) return SslStatus(absl::StatusCode::kInternal, "building subjectAltName");
  auto push = [&names](int type, const std::string& text) {
    bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
    bssl::UniquePtr<ASN1_IA5STRING> value(ASN1_IA5STRING_new());
    if (name == nullptr || value == nullptr ||
        !ASN1_STRING_set(value.get(), text.data(), static_cast<int>(text.size()))) {
      return false;
    }
    GENERAL_NAME_set0_value(name.get(), type, value.release());
    return bssl::PushToStack(names.get(), std::move(name));
  };
  if (!uri.empty() && !push(GEN_URI, uri)) {
    return SslStatus(absl::StatusCode::kInternal, "building subjectAltName");
  }
  for (const std::string& dns : dns_names) {
    if (!push(GEN_DNS, dns)) return SslStatus(absl::StatusCode::kInternal, "building subjectAltName");
  }
  if (!X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical ? 1 : 0,
                         X509V3_ADD_DEFAULT)) {
    return SslStatus(absl::StatusCode::kInternal, "adding subjectAltName");
  }
  return absl::OkStatus();
}

absl::Status SetRandomSerial(X509* cert) {
  uint8_t bytes[16];
  RAND_bytes(bytes, sizeof(bytes));
  bytes[0] |= 0x01;  // Never zero; the sign comes from BN, so all 128 bits vary otherwise.
  bssl::UniquePtr<BIGNUM> serial(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (serial == nullptr || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert))) {
    return SslStatus(absl::StatusCode::kInternal, "setting the serial number");
  }
  return absl::OkStatus();
}

absl::Status SetSubject(X509* cert, const CertificateSpec& spec) {
  X509_NAME* subject = X509_get_subject_name(cert);
  for (const auto& [field, value] : {std::make_pair("O", &spec.organization),
                                     std::make_pair("CN", &spec.common_name)}) {
    if (value->empty()) continue;
    if (!X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                    reinterpret_cast<const uint8_t*>(value->data()),
                                    static_cast<int>(value->size()), -1, 0)) {
      return SslStatus(absl::StatusCode::kInternal, absl::StrCat("setting subject ", field));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bssl::UniquePtr<X509>> BuildCertificate(const CertificateSpec& spec) {
  const bool self_signed = spec.issuer_cert == nullptr;
  if (spec.subject_key == nullptr || (!self_signed && spec.issuer_key == nullptr)) {
    return absl::InvalidArgumentError("certificate spec: missing subject or issuer key");
  }
  if (spec.not_after <= spec.not_before) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate spec: notAfter ", absl::FormatTime(spec.not_after),
                     " is not after notBefore ", absl::FormatTime(spec.not_before)));
  }
  bssl::UniquePtr<X509> cert(X509_new());
  if (cert == nullptr || !X509_set_version(cert.get(), X509_VERSION_3) ||
      !X509_set_pubkey(cert.get(), spec.subject_key)) {
    return SslStatus(absl::StatusCode::kInternal, "creating the certificate");
  }
  if (absl::Status s = SetRandomSerial(cert.get()); !s.ok()) return s;
  if (absl::Status s = SetAsnTime(X509_getm_notBefore(cert.get()), spec.not_before); !s.ok()) {
    return s;
  }
  if (absl::Status s = SetAsnTime(X509_getm_notAfter(cert.get()), spec.not_after); !s.ok()) {
    return s;
  }
  if (absl::Status s = SetSubject(cert.get(), spec); !s.ok()) return s;
  X509_NAME* issuer_name = self_signed ? X509_get_subject_name(cert.get())
                                       : X509_get_subject_name(spec.issuer_cert);
  if (!X509_set_issuer_name(cert.get(), issuer_name)) {
    return SslStatus(absl::StatusCode::kInternal, "setting the issuer name");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, self_signed ? cert.get() : spec.issuer_cert, cert.get(), nullptr,
                 nullptr, 0);
  std::vector<std::pair<int, std::string>> extensions;
  if (spec.is_ca) {
    extensions.push_back(
        {NID_basic_constraints,
         spec.path_length >= 0 ? absl::StrCat("critical,CA:TRUE,pathlen:", spec.path_length)
                               : "critical,CA:TRUE"});
    extensions.push_back({NID_key_usage, "critical,keyCertSign,cRLSign"});
  } else {
    extensions.push_back({NID_basic_constraints, "critical,CA:FALSE"});
    extensions.push_back({NID_key_usage, "critical,digitalSignature,keyEncipherment"});
    extensions.push_back({NID_ext_key_usage, "serverAuth,clientAuth"});
  }
  extensions.push_back({NID_subject_key_identifier, "hash"});
  if (!self_signed) extensions.push_back({NID_authority_key_identifier, "keyid:always"});
  for (const auto& [nid, value] : extensions) {
    if (absl::Status s = AddConfExtension(&ctx, cert.get(), nid, value.c_str()); !s.ok()) {
      return s;
    }
  }
  if (!spec.uri_san.empty() || !spec.dns_sans.empty()) {
    const bool empty_subject = spec.common_name.empty() && spec.organization.empty();
    if (absl::Status s = AddSubjectAltNames(cert.get(), spec.uri_san, spec.dns_sans,
                                            empty_subject);
        !s.ok()) {
      return s;
    }
  }
  EVP_PKEY* signer = self_signed ? spec.subject_key : spec.issuer_key;
  if (!X509_sign(cert.get(), signer, EVP_sha256())) {
    return SslStatus(absl::StatusCode::kInternal, "signing the certificate");
  }
  return cert;
}

}  // namespace certs
}  // namespace weft
