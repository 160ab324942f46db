#ifndef WEFT_CONTROL_PLANE_WEBHOOK_SERVING_CERTIFICATE_H_
#define WEFT_CONTROL_PLANE_WEBHOOK_SERVING_CERTIFICATE_H_

// The webhook's TLS server context, with a certificate from our CA that is
// renewed before it expires: a fresh P-256 key and certificate once two thirds of
// the current one's lifetime have passed. Renewal happens on demand (Current() is
// called for every connection), so no timer is needed; a failed renewal keeps
// the old certificate while it is still valid.
//
//   ServingCertificate certs([&authority](EVP_PKEY* key) {
//     return authority.IssueServingCertificate(key, {"weft-webhook.weft-system.svc"}, ttl)
//         .transform(...chain_pem...);
//   }, time);
//   ASSIGN_OR_RETURN(std::shared_ptr<SSL_CTX> ctx, certs.Current());
//
// Thread-safe. The TimeSource is borrowed and must outlive this object.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "openssl/base.h"
#include "openssl/ssl.h"

namespace weft::webhook {

class ServingCertificate {
 public:
  // Signs the public half of `key`; returns the chain PEM (leaf first).
  using Issuer = std::function<absl::StatusOr<std::string>(EVP_PKEY* key)>;

  ServingCertificate(Issuer issuer, const TimeSource& time)
      : issuer_(std::move(issuer)), time_(time) {}

  // The TLS 1.2+ server context to use now, issuing or renewing when due.
  // kUnavailable when no valid certificate can be had (the issuer's error named).
  absl::StatusOr<std::shared_ptr<SSL_CTX>> Current();

  // When the certificate in use expires (InfinitePast before the first one).
  absl::Time not_after() const;
  int renewals() const;

 private:
  absl::StatusOr<std::shared_ptr<SSL_CTX>> Issue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Issuer issuer_;
  const TimeSource& time_;
  mutable weft::Mutex mu_;
  std::shared_ptr<SSL_CTX> ctx_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time not_after_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int issued_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft::webhook

#endif  // WEFT_CONTROL_PLANE_WEBHOOK_SERVING_CERTIFICATE_H_
