#include "certs/test_pki.h"

#include <arpa/inet.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "openssl/bio.h"
#include "openssl/bn.h"
#include "openssl/ec.h"
#include "openssl/err.h"
#include "openssl/nid.h"
#include "openssl/pem.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

// kInternal with BoringSSL's error queue (drained) appended to `what`.
absl::Status SslError(absl::string_view what) {
  std::string details;
  for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&details, details.empty() ? "" : "; ", buf);
  }
  return absl::InternalError(
      absl::StrCat("test_pki: ", what, details.empty() ? "" : ": ", details));
}

absl::Status ValidateOptions(const CertOptions& options) {
  std::vector<std::string> problems;
  if (options.common_name.empty()) problems.push_back("common_name is empty");
  if (options.not_before == absl::InfinitePast() ||
      options.not_before == absl::InfiniteFuture()) {
    problems.push_back("not_before is not set");
  }
  if (options.lifetime <= absl::ZeroDuration()) problems.push_back("lifetime is not positive");
  for (const std::string& name : options.dns_names) {
    // The names go into an OpenSSL config string, where ',' and ':' are syntax.
    if (name.empty() || absl::StrContains(name, ",") || absl::StrContains(name, ":")) {
      problems.push_back(absl::StrCat("bad DNS name '", name, "'"));
    }
  }
  for (const std::string& ip : options.ip_addresses) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1) {
      problems.push_back(absl::StrCat("bad IP address '", ip, "'"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("test_pki: ", absl::StrJoin(problems, ", ")));
}

absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> NewP256Key() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (ec == nullptr || key == nullptr || !EC_KEY_generate_key(ec.get()) ||
      !EVP_PKEY_assign_EC_KEY(key.get(), ec.release())) {
    return SslError("generating a P-256 key");
  }
  return key;
}

// Adds one extension written in OpenSSL config syntax ("critical,CA:TRUE").
absl::Status AddExtension(X509V3_CTX* ctx, X509* cert, int nid, const std::string& value) {
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value.c_str()));
  if (ext == nullptr || !X509_add_ext(cert, ext.get(), -1)) {
    return SslError(absl::StrCat("adding extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

// Builds and signs a certificate for `key`. A null `issuer` means self-signed.
absl::StatusOr<bssl::UniquePtr<X509>> BuildCert(const CertOptions& options, EVP_PKEY* key,
                                                const KeyAndCert* issuer, bool is_ca) {
  bssl::UniquePtr<X509> cert(X509_new());
  bssl::UniquePtr<BIGNUM> serial(BN_new());
  if (cert == nullptr || serial == nullptr || !X509_set_version(cert.get(), X509_VERSION_3) ||
      !BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(options.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                     absl::ToTimeT(options.not_before + options.lifetime)) ||
      !X509_set_pubkey(cert.get(), key)) {
    return SslError("filling in the certificate");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(
          subject, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(options.common_name.data()),
          static_cast<int>(options.common_name.size()), -1, 0) ||
      !X509_set_issuer_name(cert.get(), issuer == nullptr ? subject
                                                          : X509_get_subject_name(
                                                                issuer->cert.get()))) {
    return SslError("setting subject and issuer names");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer == nullptr ? cert.get() : issuer->cert.get(), cert.get(),
                 nullptr, nullptr, 0);
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid:always"},
  };
  if (is_ca) {
    extensions.push_back({NID_basic_constraints, "critical,CA:TRUE"});
    extensions.push_back({NID_key_usage, "critical,keyCertSign,cRLSign"});
  } else {
    extensions.push_back({NID_basic_constraints, "critical,CA:FALSE"});
    extensions.push_back({NID_key_usage, "critical,digitalSignature"});
    extensions.push_back({NID_ext_key_usage, "serverAuth,clientAuth"});
    std::vector<std::string> sans;
    for (const std::string& name : options.dns_names) sans.push_back("DNS:" + name);
    for (const std::string& ip : options.ip_addresses) sans.push_back("IP:" + ip);
    if (!sans.empty()) extensions.push_back({NID_subject_alt_name, absl::StrJoin(sans, ",")});
  }
  for (const auto& [nid, value] : extensions) {
    if (absl::Status s = AddExtension(&ctx, cert.get(), nid, value); !s.ok()) return s;
  }

  EVP_PKEY* signer = issuer == nullptr ? key : issuer->key.get();
  if (!X509_sign(cert.get(), signer, EVP_sha256())) return SslError("signing");
  return cert;
}

absl::StatusOr<std::string> ToPem(int (*write)(BIO*, void*), void* object) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (bio == nullptr || !write(bio.get(), object) || !BIO_mem_contents(bio.get(), &data, &len)) {
    return SslError("writing PEM");
  }
  return std::string(reinterpret_cast<const char*>(data), len);
}

absl::StatusOr<KeyAndCert> Make(const CertOptions& options, const KeyAndCert* issuer,
                                bool is_ca) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  if (issuer != nullptr && (issuer->key == nullptr || issuer->cert == nullptr)) {
    return absl::InvalidArgumentError("test_pki: issuer has no key or certificate");
  }
  KeyAndCert out;
  absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> key = NewP256Key();
  if (!key.ok()) return key.status();
  out.key = *std::move(key);
  absl::StatusOr<bssl::UniquePtr<X509>> cert = BuildCert(options, out.key.get(), issuer, is_ca);
  if (!cert.ok()) return cert.status();
  out.cert = *std::move(cert);

  absl::StatusOr<std::string> key_pem = ToPem(
      [](BIO* bio, void* k) {
        return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0,
                                        nullptr, nullptr);
      },
      out.key.get());
  absl::StatusOr<std::string> cert_pem = ToPem(
      [](BIO* bio, void* c) { return PEM_write_bio_X509(bio, static_cast<X509*>(c)); },
      out.cert.get());
  if (!key_pem.ok()) return key_pem.status();
  if (!cert_pem.ok()) return cert_pem.status();
  out.key_pem = *std::move(key_pem);
  out.cert_pem = *std::move(cert_pem);
  return out;
}

}  // namespace

absl::StatusOr<KeyAndCert> MakeSelfSignedCa(const CertOptions& options) {
  return Make(options, /*issuer=*/nullptr, /*is_ca=*/true);
}

absl::StatusOr<KeyAndCert> MakeLeafCert(const CertOptions& options, const KeyAndCert& issuer) {
  return Make(options, &issuer, /*is_ca=*/false);
}

}  // namespace certs
}  // namespace weft
