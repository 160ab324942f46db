#include "control-plane/webhook/serving_certificate.h"

#include "absl/strings/str_cat.h"
#include "certs/key_pair.h"
#include "certs/x509_util.h"

namespace weft::webhook {

absl::StatusOr<std::shared_ptr<SSL_CTX>> ServingCertificate::Issue() {
  absl::StatusOr<certs::KeyPair> key = certs::KeyPair::GenerateP256();
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> chain_pem = issuer_(key->key());
  if (!chain_pem.ok()) return chain_pem.status();
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> chain = certs::ParseCertificatesPem(*chain_pem);
  if (!chain.ok()) return chain.status();
  if (chain->empty()) return absl::InternalError("the CA returned no certificate");
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()), SSL_CTX_free);
  bool ok = ctx != nullptr && SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) &&
            SSL_CTX_use_certificate(ctx.get(), (*chain)[0].get()) &&
            SSL_CTX_use_PrivateKey(ctx.get(), key->key());
  for (size_t i = 1; ok && i < chain->size(); ++i) {
    ok = SSL_CTX_add1_chain_cert(ctx.get(), (*chain)[i].get());
  }
  if (!ok) return certs::SslStatus(absl::StatusCode::kInternal, "webhook TLS context");
  const absl::StatusOr<absl::Time> not_before = certs::AsnTimeToTime(X509_get0_notBefore((*chain)[0].get()));
  const absl::StatusOr<absl::Time> not_after = certs::AsnTimeToTime(X509_get0_notAfter((*chain)[0].get()));
  if (!not_before.ok() || !not_after.ok()) return absl::InternalError("unreadable certificate validity");
  renew_at_ = *not_before + (*not_after - *not_before) * 2 / 3;
  not_after_ = *not_after;
  ++issued_;
  return ctx;
}

absl::StatusOr<std::shared_ptr<SSL_CTX>> ServingCertificate::Current() {
  weft::MutexLock lock(&mu_);
  const absl::Time now = time_.SystemNow();
  if (ctx_ != nullptr && now < renew_at_) return ctx_;
  absl::StatusOr<std::shared_ptr<SSL_CTX>> fresh = Issue();
  if (fresh.ok()) {
    ctx_ = *std::move(fresh);
    return ctx_;
  }
  if (ctx_ != nullptr && now < not_after_) return ctx_;  // renew again on the next call
  return absl::UnavailableError(
      absl::StrCat("no serving certificate: ", fresh.status().message()));
}

absl::Time ServingCertificate::not_after() const {
  weft::MutexLock lock(&mu_);
  return not_after_;
}

int ServingCertificate::renewals() const {
  weft::MutexLock lock(&mu_);
  return issued_ > 0 ? issued_ - 1 : 0;
}

}  // namespace weft::webhook
