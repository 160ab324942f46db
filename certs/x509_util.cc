#include "certs/x509_util.h"

#include <limits>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "openssl/bio.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/mem.h"
#include "openssl/pem.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {

std::string DrainSslErrors() {
  std::string out;
  for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out;
}

absl::Status SslStatus(absl::StatusCode code, absl::string_view what) {
  std::string details = DrainSslErrors();
  return absl::Status(code, details.empty() ? std::string(what)
                                            : absl::StrCat(what, " (", details, ")"));
}

absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> ParseCertificatesPem(absl::string_view pem) {
  if (pem.size() > kMaxPemBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "certificate PEM is ", pem.size(), " bytes, more than the limit of ", kMaxPemBytes));
  }
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return SslStatus(absl::StatusCode::kInternal, "allocating a BIO");
  std::vector<bssl::UniquePtr<X509>> certs;
  for (size_t block = 1;; ++block) {
    char* name = nullptr;
    char* header = nullptr;
    uint8_t* data = nullptr;
    long len = 0;
    if (!PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
      uint32_t err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        DrainSslErrors();  // End of input.
        break;
      }
      return SslStatus(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("PEM block ", block, " is malformed"));
    }
    bssl::UniquePtr<char> name_owner(name);
    bssl::UniquePtr<char> header_owner(header);
    bssl::UniquePtr<uint8_t> data_owner(data);
    if (std::string(name) != "CERTIFICATE") {
      return absl::InvalidArgumentError(absl::StrCat(
          "PEM block ", block, " is \"", absl::CHexEscape(std::string(name).substr(0, 64)),
          "\", expected \"CERTIFICATE\""));
    }
    if (certs.size() == kMaxChainCertificates) {
      return absl::InvalidArgumentError(absl::StrCat(
          "more than ", kMaxChainCertificates, " certificates in one PEM input"));
    }
    absl::StatusOr<bssl::UniquePtr<X509>> cert = ParseCertificateDer(
        absl::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(len)));
    if (!cert.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("PEM block ", block, ": ", cert.status().message()));
    }
    certs.push_back(*std::move(cert));
  }
  if (certs.empty()) {
    return absl::InvalidArgumentError("no \"CERTIFICATE\" PEM block found");
  }
  return certs;
}

absl::StatusOr<bssl::UniquePtr<X509>> ParseCertificateDer(absl::string_view der) {
  if (der.size() > kMaxPemBytes ||
      der.size() > static_cast<size_t>(std::numeric_limits<long>::max())) {
    return absl::InvalidArgumentError("certificate DER is too large");
  }
  const uint8_t* p = reinterpret_cast<const uint8_t*>(der.data());
  const uint8_t* end = p + der.size();
  bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr) {
    return SslStatus(absl::StatusCode::kInvalidArgument, "certificate DER does not decode");
  }
  if (p != end) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate DER has ", end - p, " trailing bytes"));
  }
  return cert;
}

absl::StatusOr<std::string> CertificateToPem(X509* cert) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (bio == nullptr || !PEM_write_bio_X509(bio.get(), cert) ||
      !BIO_mem_contents(bio.get(), &data, &len)) {
    return SslStatus(absl::StatusCode::kInternal, "writing certificate PEM");
  }
  return std::string(reinterpret_cast<const char*>(data), len);
}

std::vector<std::string> UriNames(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  if (names == nullptr) return out;
  for (size_t i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> CertificateUriSans(const X509* cert) {
  int critical = -1;
  bssl::UniquePtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
  if (names == nullptr) {
    DrainSslErrors();
    if (critical == -1) return std::vector<std::string>();  // No SAN extension.
    if (critical == -2) {
      return absl::InvalidArgumentError("certificate has more than one subjectAltName");
    }
    return absl::InvalidArgumentError("certificate's subjectAltName does not decode");
  }
  return UriNames(names.get());
}

absl::StatusOr<absl::Time> AsnTimeToTime(const ASN1_TIME* time) {
  bssl::UniquePtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0;
  int seconds = 0;
  if (time == nullptr || epoch == nullptr ||
      !ASN1_TIME_diff(&days, &seconds, epoch.get(), time)) {
    return SslStatus(absl::StatusCode::kInvalidArgument, "certificate time does not decode");
  }
  return absl::UnixEpoch() + absl::Hours(24) * days + absl::Seconds(seconds);
}

absl::Status SetAsnTime(ASN1_TIME* out, absl::Time t) {
  // GeneralizedTime ends at year 9999; stay well inside time_t too.
  if (t < absl::UnixEpoch() || t > absl::FromUnixSeconds(253402300799)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time ", absl::FormatTime(t), " is outside the certificate range"));
  }
  if (ASN1_TIME_set(out, absl::ToTimeT(t)) == nullptr) {
    return SslStatus(absl::StatusCode::kInternal, "setting a certificate time");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CertificateFingerprint(X509* cert) {
  uint8_t* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return SslStatus(absl::StatusCode::kInternal, "encoding a certificate");
  bssl::UniquePtr<uint8_t> der_owner(der);
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (!EVP_Digest(der, static_cast<size_t>(len), digest, &digest_len, EVP_sha256(), nullptr)) {
    return SslStatus(absl::StatusCode::kInternal, "hashing a certificate");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_len));
}

}  // namespace certs
}  // namespace weft
