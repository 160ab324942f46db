#include "certs/trust_bundle.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "certs/x509_util.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

constexpr absl::string_view kReasons[] = {
    kReasonMalformedChain, kReasonMissingSpiffeId, kReasonInvalidSpiffeId,
    kReasonTrustDomainMismatch, kReasonNotALeaf, kReasonUnknownRoot,
    kReasonExpired, kReasonNotYetValid, kReasonBadSignature, kReasonInvalidChain};

absl::Status Reject(absl::string_view reason, absl::string_view detail) {
  return absl::UnauthenticatedError(absl::StrCat(reason, ": ", detail));
}

std::string FormatAsnTime(const ASN1_TIME* t) {
  absl::StatusOr<absl::Time> time = AsnTimeToTime(t);
  return time.ok() ? absl::FormatTime(*time, absl::UTCTimeZone()) : "(undecodable time)";
}

std::string Describe(int depth) {
  return depth == 0 ? "the leaf certificate" : absl::StrCat("the certificate at depth ", depth);
}

absl::Status MapVerifyError(X509_STORE_CTX* ctx, absl::Time now) {
  const int err = X509_STORE_CTX_get_error(ctx);
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const std::string now_text = absl::FormatTime(now, absl::UTCTimeZone());
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Reject(kReasonExpired,
                    absl::StrCat(Describe(depth), " expired at ",
                                 cert ? FormatAsnTime(X509_get0_notAfter(cert)) : "?",
                                 "; now is ", now_text));
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Reject(kReasonNotYetValid,
                    absl::StrCat(Describe(depth), " is valid only from ",
                                 cert ? FormatAsnTime(X509_get0_notBefore(cert)) : "?",
                                 "; now is ", now_text));
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return Reject(kReasonUnknownRoot,
                    absl::StrCat("the chain does not lead to a root in the trust bundle (",
                                 X509_verify_cert_error_string(err), " at depth ", depth,
                                 ")"));
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return Reject(kReasonBadSignature,
                    absl::StrCat("the signature on ", Describe(depth), " does not verify"));
    default:
      return Reject(kReasonInvalidChain,
                    absl::StrCat(X509_verify_cert_error_string(err), " at depth ", depth));
  }
}

// The leaf's identity, checked against the bundle's trust domain.
absl::StatusOr<SpiffeId> LeafIdentity(X509* leaf, const TrustBundle& bundle) {
  if (X509_check_ca(leaf) > 0) {
    DrainSslErrors();
    return Reject(kReasonNotALeaf, "the leaf certificate is a CA certificate");
  }
  absl::StatusOr<std::vector<std::string>> uris = CertificateUriSans(leaf);
  if (!uris.ok()) return Reject(kReasonInvalidSpiffeId, uris.status().message());
  if (uris->empty()) {
    return Reject(kReasonMissingSpiffeId, "the leaf certificate has no URI SAN");
  }
  if (uris->size() > 1) {
    return Reject(kReasonInvalidSpiffeId,
                  absl::StrCat("the leaf certificate has ", uris->size(),
                               " URI SANs; a workload certificate has exactly one"));
  }
  absl::StatusOr<SpiffeId> id = SpiffeId::Parse(uris->front());
  if (!id.ok()) return Reject(kReasonInvalidSpiffeId, id.status().message());
  if (id->trust_domain() != bundle.trust_domain()) {
    return Reject(kReasonTrustDomainMismatch,
                  absl::StrCat("peer identity ", id->ToString(), " is in trust domain '",
                               id->trust_domain(), "', this bundle is for '",
                               bundle.trust_domain(), "'"));
  }
  DrainSslErrors();
  return id;
}

absl::StatusOr<SpiffeId> VerifyParsed(std::vector<bssl::UniquePtr<X509>> chain,
                                      const TrustBundle& bundle, absl::Time now) {
  if (chain.empty()) return absl::InvalidArgumentError("malformed_chain: empty chain");
  X509* leaf = chain.front().get();
  absl::StatusOr<SpiffeId> id = LeafIdentity(leaf, bundle);
  if (!id.ok()) return id.status();
  if (bundle.empty()) return Reject(kReasonUnknownRoot, "the trust bundle holds no roots");

  bssl::UniquePtr<X509_STORE> store(X509_STORE_new());
  bssl::UniquePtr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  bssl::UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (store == nullptr || untrusted == nullptr || ctx == nullptr) {
    return SslStatus(absl::StatusCode::kInternal, "allocating the verifier");
  }
  for (X509* root : bundle.roots()) {
    if (!X509_STORE_add_cert(store.get(), root)) {
      return SslStatus(absl::StatusCode::kInternal, "loading the trust bundle");
    }
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    // The stack's deleter frees its elements, so it gets its own references.
    X509_up_ref(chain[i].get());
    if (!bssl::PushToStack(untrusted.get(), bssl::UniquePtr<X509>(chain[i].get()))) {
      return SslStatus(absl::StatusCode::kInternal, "building the chain");
    }
  }
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get())) {
    return SslStatus(absl::StatusCode::kInternal, "initialising the verifier");
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), absl::ToTimeT(now));
  X509_VERIFY_PARAM_set_depth(X509_STORE_CTX_get0_param(ctx.get()),
                              static_cast<int>(kMaxChainCertificates));
  const int ok = X509_verify_cert(ctx.get());
  absl::Status status = ok == 1 ? absl::OkStatus() : MapVerifyError(ctx.get(), now);
  DrainSslErrors();
  if (!status.ok()) return status;
  return id;
}

}  // namespace

TrustBundle::TrustBundle(const TrustBundle& other) : trust_domain_(other.trust_domain_) {
  *this = other;
}

TrustBundle& TrustBundle::operator=(const TrustBundle& other) {
  if (this == &other) return *this;
  trust_domain_ = other.trust_domain_;
  roots_.clear();
  for (const Root& root : other.roots_) {
    X509_up_ref(root.cert.get());
    roots_.push_back(Root{root.fingerprint, root.pem, bssl::UniquePtr<X509>(root.cert.get())});
  }
  return *this;
}

absl::StatusOr<TrustBundle> TrustBundle::Create(absl::string_view trust_domain) {
  if (absl::Status s = ValidateTrustDomain(trust_domain); !s.ok()) return s;
  return TrustBundle(std::string(trust_domain));
}

absl::StatusOr<TrustBundle> TrustBundle::FromPem(absl::string_view trust_domain,
                                                 absl::string_view roots_pem) {
  absl::StatusOr<TrustBundle> bundle = Create(trust_domain);
  if (!bundle.ok()) return bundle;
  if (absl::Status s = bundle->AddRootsPem(roots_pem); !s.ok()) return s;
  return bundle;
}

absl::Status TrustBundle::AddRootsPem(absl::string_view pem) {
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> certs = ParseCertificatesPem(pem);
  if (!certs.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("trust bundle: ", certs.status().message()));
  }
  std::vector<Root> added;
  for (size_t i = 0; i < certs->size(); ++i) {
    X509* cert = (*certs)[i].get();
    const std::string which = absl::StrCat("trust bundle: certificate ", i + 1);
    bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(cert));
    if (X509_check_ca(cert) <= 0 || X509_check_issued(cert, cert) != X509_V_OK ||
        key == nullptr || X509_verify(cert, key.get()) != 1) {
      DrainSslErrors();
      return absl::InvalidArgumentError(
          absl::StrCat(which, " is not a self-signed CA certificate"));
    }
    absl::StatusOr<std::vector<std::string>> uris = CertificateUriSans(cert);
    if (!uris.ok()) return absl::InvalidArgumentError(absl::StrCat(which, ": ", uris.status().message()));
    for (const std::string& uri : *uris) {
      if (uri.rfind("spiffe://", 0) == 0 && uri != TrustDomainUri(trust_domain_)) {
        return absl::InvalidArgumentError(
            absl::StrCat(which, " is for ", absl::CHexEscape(uri.substr(0, 300)),
                         ", not for trust domain ", trust_domain_));
      }
    }
    absl::StatusOr<std::string> fingerprint = CertificateFingerprint(cert);
    absl::StatusOr<std::string> cert_pem = CertificateToPem(cert);
    if (!fingerprint.ok()) return fingerprint.status();
    if (!cert_pem.ok()) return cert_pem.status();
    bool present = false;
    for (const Root& root : roots_) present |= root.fingerprint == *fingerprint;
    for (const Root& root : added) present |= root.fingerprint == *fingerprint;
    if (present) continue;
    added.push_back(Root{*std::move(fingerprint), *std::move(cert_pem), std::move((*certs)[i])});
  }
  for (Root& root : added) roots_.push_back(std::move(root));
  return absl::OkStatus();
}

bool TrustBundle::RemoveRoot(absl::string_view fingerprint) {
  for (auto it = roots_.begin(); it != roots_.end(); ++it) {
    if (it->fingerprint == fingerprint) {
      roots_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<std::string> TrustBundle::Fingerprints() const {
  std::vector<std::string> out;
  for (const Root& root : roots_) out.push_back(root.fingerprint);
  return out;
}

std::string TrustBundle::ToPem() const {
  std::string out;
  for (const Root& root : roots_) absl::StrAppend(&out, root.pem);
  return out;
}

std::vector<X509*> TrustBundle::roots() const {
  std::vector<X509*> out;
  for (const Root& root : roots_) out.push_back(root.cert.get());
  return out;
}

absl::StatusOr<SpiffeId> VerifyWorkloadChain(absl::string_view chain_pem,
                                             const TrustBundle& bundle, absl::Time now) {
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> chain = ParseCertificatesPem(chain_pem);
  if (!chain.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kReasonMalformedChain, ": ", chain.status().message()));
  }
  return VerifyParsed(*std::move(chain), bundle, now);
}

absl::StatusOr<SpiffeId> VerifyWorkloadChainDer(absl::Span<const absl::string_view> chain_der,
                                                const TrustBundle& bundle, absl::Time now) {
  if (chain_der.size() > kMaxChainCertificates) {
    return absl::InvalidArgumentError(absl::StrCat(
        kReasonMalformedChain, ": more than ", kMaxChainCertificates, " certificates"));
  }
  std::vector<bssl::UniquePtr<X509>> chain;
  for (size_t i = 0; i < chain_der.size(); ++i) {
    absl::StatusOr<bssl::UniquePtr<X509>> cert = ParseCertificateDer(chain_der[i]);
    if (!cert.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kReasonMalformedChain, ": certificate ", i + 1, ": ", cert.status().message()));
    }
    chain.push_back(*std::move(cert));
  }
  return VerifyParsed(std::move(chain), bundle, now);
}

absl::string_view VerifyFailureReason(const absl::Status& status) {
  absl::string_view message = status.message();
  for (absl::string_view reason : kReasons) {
    if (message.size() > reason.size() && message.substr(0, reason.size()) == reason &&
        message[reason.size()] == ':') {
      return reason;
    }
  }
  return "";
}

}  // namespace certs
}  // namespace weft
