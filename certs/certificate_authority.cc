#include "certs/certificate_authority.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certs/atomic_file.h"
#include "certs/certificate_builder.h"
#include "certs/csr.h"
#include "certs/x509_util.h"
#include "openssl/mem.h"
#include "openssl/rand.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

constexpr mode_t kKeyFileMode = 0600;
constexpr mode_t kCertFileMode = 0644;
constexpr mode_t kDirMode = 0700;

// Clears a string that held key material.
struct Wiper {
  explicit Wiper(std::string* s) : s(s) {}
  ~Wiper() { OPENSSL_cleanse(s->data(), s->size()); }
  std::string* s;
};

absl::StatusOr<bssl::UniquePtr<X509>> ParseOneCertificate(absl::string_view what,
                                                          absl::string_view pem) {
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> certs = ParseCertificatesPem(pem);
  if (!certs.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", certs.status().message()));
  }
  if (certs->size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": expected one certificate, found ", certs->size()));
  }
  return std::move(certs->front());
}

// CA certificates may carry spiffe://<trust-domain> as a URI SAN; if they carry
// any SPIFFE URI it must be exactly that.
absl::Status CheckCaTrustDomain(absl::string_view what, const X509* cert,
                                const std::string& trust_domain) {
  absl::StatusOr<std::vector<std::string>> uris = CertificateUriSans(cert);
  if (!uris.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", uris.status().message()));
  for (const std::string& uri : *uris) {
    if (absl::StartsWith(uri, "spiffe://") && uri != TrustDomainUri(trust_domain)) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " names ", absl::CHexEscape(uri.substr(0, 300)), ", but this CA is for ",
          TrustDomainUri(trust_domain)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckIssuedBy(absl::string_view what, X509* cert, X509* issuer) {
  bssl::UniquePtr<EVP_PKEY> issuer_key(X509_get_pubkey(issuer));
  if (X509_check_issued(issuer, cert) != X509_V_OK || issuer_key == nullptr ||
      X509_verify(cert, issuer_key.get()) != 1) {
    DrainSslErrors();
    return absl::InvalidArgumentError(absl::StrCat(what, " is not signed by the root"));
  }
  return absl::OkStatus();
}

absl::Status CheckIsCa(absl::string_view what, X509* cert) {
  if (X509_check_ca(cert) <= 0) {
    DrainSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not a CA certificate (basicConstraints CA:TRUE, keyCertSign)"));
  }
  return absl::OkStatus();
}

absl::Status CheckKeyMatches(absl::string_view what, X509* cert, const KeyPair& key) {
  if (!X509_check_private_key(cert, key.key())) {
    DrainSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": private key does not match the certificate"));
  }
  return absl::OkStatus();
}

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> buf(bytes);
  RAND_bytes(buf.data(), buf.size());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

absl::StatusOr<std::string> ReadOptional(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadSmallFile(path, kMaxPemBytes);
  if (absl::IsNotFound(contents.status())) return std::string();
  return contents;
}

}  // namespace

absl::Status CertificateAuthority::ValidateOptions(const Options& options) {
  std::vector<std::string> problems;
  if (absl::Status s = ValidateTrustDomain(options.trust_domain); !s.ok()) {
    problems.push_back(std::string(s.message()));
  }
  if (options.default_leaf_ttl <= absl::ZeroDuration()) {
    problems.push_back("default_leaf_ttl must be positive");
  }
  if (options.backdate < absl::ZeroDuration()) problems.push_back("backdate must not be negative");
  if (options.root_lifetime <= absl::ZeroDuration()) problems.push_back("root_lifetime must be positive");
  if (options.intermediate_lifetime <= absl::ZeroDuration()) {
    problems.push_back("intermediate_lifetime must be positive");
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("CA options: ", absl::StrJoin(problems, "; ")));
}

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::FromPem(
    const Pem& pem, const Options& options, const TimeSource& time) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  std::unique_ptr<CertificateAuthority> ca(new CertificateAuthority(options, time));

  absl::StatusOr<bssl::UniquePtr<X509>> root = ParseOneCertificate("root certificate",
                                                                   pem.root_cert_pem);
  if (!root.ok()) return root.status();
  ca->root_ = *std::move(root);
  if (absl::Status s = CheckIsCa("root certificate", ca->root_.get()); !s.ok()) return s;
  bssl::UniquePtr<EVP_PKEY> root_public_key(X509_get_pubkey(ca->root_.get()));
  if (X509_check_issued(ca->root_.get(), ca->root_.get()) != X509_V_OK ||
      root_public_key == nullptr || X509_verify(ca->root_.get(), root_public_key.get()) != 1) {
    DrainSslErrors();
    return absl::InvalidArgumentError("root certificate is not self-signed");
  }
  if (absl::Status s = CheckCaTrustDomain("root certificate", ca->root_.get(),
                                          options.trust_domain);
      !s.ok()) {
    return s;
  }
  X509* signing_cert = ca->root_.get();
  if (!pem.intermediate_cert_pem.empty()) {
    absl::StatusOr<bssl::UniquePtr<X509>> intermediate =
        ParseOneCertificate("intermediate certificate", pem.intermediate_cert_pem);
    if (!intermediate.ok()) return intermediate.status();
    ca->intermediate_ = *std::move(intermediate);
    signing_cert = ca->intermediate_.get();
    for (absl::Status s :
         {CheckIsCa("intermediate certificate", signing_cert),
          CheckIssuedBy("intermediate certificate", signing_cert, ca->root_.get()),
          CheckCaTrustDomain("intermediate certificate", signing_cert, options.trust_domain)}) {
      if (!s.ok()) return s;
    }
  }

  absl::StatusOr<KeyPair> signing_key = KeyPair::FromPkcs8Pem(pem.signing_key_pem);
  if (!signing_key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing key: ", signing_key.status().message()));
  }
  ca->signing_key_ = std::make_unique<KeyPair>(*std::move(signing_key));
  if (absl::Status s = CheckKeyMatches("signing key", signing_cert, *ca->signing_key_); !s.ok()) {
    return s;
  }
  if (ca->intermediate_ == nullptr) {
    // The root signs; its key is the signing key.
    absl::StatusOr<KeyPair> copy = KeyPair::FromPkcs8Pem(pem.signing_key_pem);
    if (copy.ok()) ca->root_key_ = std::make_unique<KeyPair>(*std::move(copy));
  } else if (!pem.root_key_pem.empty()) {
    absl::StatusOr<KeyPair> root_key = KeyPair::FromPkcs8Pem(pem.root_key_pem);
    if (!root_key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("root key: ", root_key.status().message()));
    }
    ca->root_key_ = std::make_unique<KeyPair>(*std::move(root_key));
    if (absl::Status s = CheckKeyMatches("root key", ca->root_.get(), *ca->root_key_); !s.ok()) {
      return s;
    }
  }

  absl::StatusOr<absl::Time> root_not_after = AsnTimeToTime(X509_get0_notAfter(ca->root_.get()));
  absl::StatusOr<absl::Time> signing_not_after = AsnTimeToTime(X509_get0_notAfter(signing_cert));
  if (!root_not_after.ok()) return root_not_after.status();
  if (!signing_not_after.ok()) return signing_not_after.status();
  ca->not_after_ = std::min(*root_not_after, *signing_not_after);
  if (time.SystemNow() >= ca->not_after_) {
    return absl::FailedPreconditionError(
        absl::StrCat("CA certificate expired at ", absl::FormatTime(ca->not_after_),
                     "; rotate the root (see docs/certificates.md)"));
  }

  absl::StatusOr<std::string> root_pem = CertificateToPem(ca->root_.get());
  if (!root_pem.ok()) return root_pem.status();
  ca->root_cert_pem_ = *std::move(root_pem);
  if (ca->intermediate_ != nullptr) {
    absl::StatusOr<std::string> intermediate_pem = CertificateToPem(ca->intermediate_.get());
    if (!intermediate_pem.ok()) return intermediate_pem.status();
    ca->intermediate_cert_pem_ = *std::move(intermediate_pem);
  }
  return ca;
}

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Generate(
    const Options& options, const TimeSource& time) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  const absl::Time now = time.SystemNow();
  absl::StatusOr<KeyPair> root_key = KeyPair::GenerateP256();
  if (!root_key.ok()) return root_key.status();
  CertificateSpec root_spec;
  root_spec.subject_key = root_key->key();
  root_spec.organization = options.trust_domain;
  // A random suffix keeps subjects distinct across rotations, so that a bundle
  // holding old and new roots never has two roots with one name.
  root_spec.common_name = absl::StrCat("Weft root CA ", RandomHex(4));
  root_spec.not_before = now - options.backdate;
  root_spec.not_after = now + options.root_lifetime;
  root_spec.is_ca = true;
  root_spec.uri_san = TrustDomainUri(options.trust_domain);
  absl::StatusOr<bssl::UniquePtr<X509>> root = BuildCertificate(root_spec);
  if (!root.ok()) return root.status();

  Pem pem;
  Wiper wipe_signing(&pem.signing_key_pem);
  Wiper wipe_root(&pem.root_key_pem);
  absl::StatusOr<std::string> root_pem = CertificateToPem(root->get());
  absl::StatusOr<std::string> root_key_pem = root_key->ToPkcs8Pem();
  if (!root_pem.ok()) return root_pem.status();
  if (!root_key_pem.ok()) return root_key_pem.status();
  pem.root_cert_pem = *std::move(root_pem);
  pem.root_key_pem = *std::move(root_key_pem);

  if (!options.generate_intermediate) {
    pem.signing_key_pem = pem.root_key_pem;
  } else {
    absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
    if (!key.ok()) return key.status();
    CertificateSpec spec;
    spec.subject_key = key->key();
    spec.organization = options.trust_domain;
    spec.common_name = absl::StrCat("Weft intermediate CA ", RandomHex(4));
    spec.issuer_cert = root->get();
    spec.issuer_key = root_key->key();
    spec.not_before = root_spec.not_before;
    spec.not_after = std::min(now + options.intermediate_lifetime, root_spec.not_after);
    spec.is_ca = true;
    spec.path_length = 0;
    spec.uri_san = root_spec.uri_san;
    absl::StatusOr<bssl::UniquePtr<X509>> intermediate = BuildCertificate(spec);
    if (!intermediate.ok()) return intermediate.status();
    absl::StatusOr<std::string> intermediate_pem = CertificateToPem(intermediate->get());
    absl::StatusOr<std::string> key_pem = key->ToPkcs8Pem();
    if (!intermediate_pem.ok()) return intermediate_pem.status();
    if (!key_pem.ok()) return key_pem.status();
    pem.intermediate_cert_pem = *std::move(intermediate_pem);
    pem.signing_key_pem = *std::move(key_pem);
  }
  // Going through FromPem checks what was just made exactly as a loaded CA is.
  return FromPem(pem, options, time);
}

absl::Status CertificateAuthority::WriteToDirectory(const std::string& dir) const {
  if (absl::Status s = EnsureDirectory(dir, kDirMode); !s.ok()) return s;
  auto path = [&dir](const char* name) { return absl::StrCat(dir, "/", name); };
  if (root_key_ != nullptr) {
    absl::StatusOr<std::string> key_pem = root_key_->ToPkcs8Pem();
    if (!key_pem.ok()) return key_pem.status();
    Wiper wipe(&*key_pem);
    if (absl::Status s = WriteFileAtomically(path(kRootKeyFile), *key_pem, kKeyFileMode);
        !s.ok()) {
      return s;
    }
  }
  if (intermediate_ != nullptr) {
    absl::StatusOr<std::string> key_pem = signing_key_->ToPkcs8Pem();
    if (!key_pem.ok()) return key_pem.status();
    Wiper wipe(&*key_pem);
    if (absl::Status s = WriteFileAtomically(path(kIntermediateKeyFile), *key_pem, kKeyFileMode);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = WriteFileAtomically(path(kIntermediateCertFile),
                                             intermediate_cert_pem_, kCertFileMode);
        !s.ok()) {
      return s;
    }
  }
  return WriteFileAtomically(path(kRootCertFile), root_cert_pem_, kCertFileMode);
}

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::LoadOrCreate(
    const std::string& dir, const Options& options, const TimeSource& time) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  auto path = [&dir](const char* name) { return absl::StrCat(dir, "/", name); };
  absl::StatusOr<std::string> root_cert = ReadOptional(path(kRootCertFile));
  if (!root_cert.ok()) return root_cert.status();
  if (root_cert->empty()) {
    // No root yet (or a start that crashed before writing it): make a new CA.
    // Leftover key files from such a start signed nothing and are overwritten.
    absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca = Generate(options, time);
    if (!ca.ok()) return ca.status();
    if (absl::Status s = (*ca)->WriteToDirectory(dir); !s.ok()) return s;
    (*ca)->newly_created_ = true;
    return ca;
  }
  Pem pem;
  Wiper wipe_signing(&pem.signing_key_pem);
  Wiper wipe_root(&pem.root_key_pem);
  pem.root_cert_pem = *std::move(root_cert);
  absl::StatusOr<std::string> intermediate_cert = ReadOptional(path(kIntermediateCertFile));
  if (!intermediate_cert.ok()) return intermediate_cert.status();
  pem.intermediate_cert_pem = *std::move(intermediate_cert);
  absl::StatusOr<std::string> root_key = ReadOptional(path(kRootKeyFile));
  if (!root_key.ok()) return root_key.status();
  pem.root_key_pem = *std::move(root_key);
  if (pem.intermediate_cert_pem.empty()) {
    if (pem.root_key_pem.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " has ", kRootCertFile, " but neither ", kRootKeyFile, " nor ",
          kIntermediateCertFile, "; the CA cannot sign"));
    }
    pem.signing_key_pem = pem.root_key_pem;
  } else {
    absl::StatusOr<std::string> key = ReadSmallFile(path(kIntermediateKeyFile), kMaxPemBytes);
    if (absl::IsNotFound(key.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " has ", kIntermediateCertFile, " but no ", kIntermediateKeyFile));
    }
    if (!key.ok()) return key.status();
    pem.signing_key_pem = *std::move(key);
  }
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca = FromPem(pem, options, time);
  if (!ca.ok()) {
    return absl::Status(ca.status().code(),
                        absl::StrCat("CA in ", dir, ": ", ca.status().message()));
  }
  return ca;
}

absl::StatusOr<std::string> CertificateAuthority::Sign(absl::string_view csr_pem,
                                                       const SpiffeId& granted,
                                                       absl::Duration ttl) const {
  if (granted.trust_domain() != options_.trust_domain) {
    return absl::InvalidArgumentError(absl::StrCat(
        "granted identity ", granted.ToString(), " is not in this CA's trust domain ",
        options_.trust_domain));
  }
  if (ttl <= absl::ZeroDuration()) ttl = options_.default_leaf_ttl;
  absl::StatusOr<VerifiedCsr> csr = ParseAndVerifyCsrPem(csr_pem);
  if (!csr.ok()) return csr.status();
  if (csr->uri_sans.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CSR must carry exactly one URI SAN (", granted.ToString(), "); it has ",
        csr->uri_sans.size()));
  }
  const std::string& requested = csr->uri_sans.front();
  if (requested != granted.ToString()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "CSR asks for identity '", absl::CHexEscape(requested.substr(0, 300)),
        "' but the caller was granted '", granted.ToString(), "'"));
  }
  const absl::Time now = time_.SystemNow();
  if (now >= not_after_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "CA certificate expired at ", absl::FormatTime(not_after_), "; cannot sign"));
  }
  CertificateSpec spec;
  spec.subject_key = csr->public_key.get();
  spec.issuer_cert = intermediate_ != nullptr ? intermediate_.get() : root_.get();
  spec.issuer_key = signing_key_->key();
  spec.not_before = now - options_.backdate;
  spec.not_after = std::min(now + ttl, not_after_);
  spec.uri_san = granted.ToString();
  absl::StatusOr<bssl::UniquePtr<X509>> leaf = BuildCertificate(spec);
  if (!leaf.ok()) return leaf.status();
  absl::StatusOr<std::string> leaf_pem = CertificateToPem(leaf->get());
  if (!leaf_pem.ok()) return leaf_pem.status();
  return absl::StrCat(*leaf_pem, intermediate_cert_pem_);
}

absl::StatusOr<std::string> CertificateAuthority::IssueServingCertificate(
    EVP_PKEY* subject_key, const std::vector<std::string>& dns_names, absl::Duration ttl) const {
  if (subject_key == nullptr || dns_names.empty()) {
    return absl::InvalidArgumentError("a serving certificate needs a key and at least one DNS name");
  }
  for (const std::string& name : dns_names) {
    if (name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
          return c <= ' ' || c > '~';
        })) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", absl::CHexEscape(name.substr(0, 300)), "' is not a DNS name"));
    }
  }
  if (ttl <= absl::ZeroDuration()) ttl = options_.default_leaf_ttl;
  const absl::Time now = time_.SystemNow();
  if (now >= not_after_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "CA certificate expired at ", absl::FormatTime(not_after_), "; cannot sign"));
  }
  CertificateSpec spec;
  spec.subject_key = subject_key;
  spec.common_name = dns_names.front();
  spec.issuer_cert = intermediate_ != nullptr ? intermediate_.get() : root_.get();
  spec.issuer_key = signing_key_->key();
  spec.not_before = now - options_.backdate;
  spec.not_after = std::min(now + ttl, not_after_);
  spec.dns_sans = dns_names;
  absl::StatusOr<bssl::UniquePtr<X509>> leaf = BuildCertificate(spec);
  if (!leaf.ok()) return leaf.status();
  absl::StatusOr<std::string> leaf_pem = CertificateToPem(leaf->get());
  if (!leaf_pem.ok()) return leaf_pem.status();
  return absl::StrCat(*leaf_pem, intermediate_cert_pem_);
}

}  // namespace certs
}  // namespace weft
