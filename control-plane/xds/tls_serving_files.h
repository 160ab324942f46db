#ifndef WEFT_CONTROL_PLANE_XDS_TLS_SERVING_FILES_H_
#define WEFT_CONTROL_PLANE_XDS_TLS_SERVING_FILES_H_

// The TLS xDS port's (15012) server certificate, kept as two files (tls.key,
// tls.crt) in a private directory that gRPC's FileWatcherCertificateProvider
// re-reads: a renewed certificate is served without restarting the port or
// dropping a stream. Issuing and renewing are webhook::ServingCertificate's (a
// fresh P-256 key and certificate once two thirds of the lifetime have passed; a
// failed renewal keeps the old one while it is valid); a timer on `dispatcher`
// asks it every check_interval and writes the files when the certificate changed.
//
//   TlsServingFiles::Options options;
//   options.directory = "/tmp/weft-xds-tls";   // empty: a fresh mkdtemp directory
//   ASSIGN_OR_RETURN(auto files, TlsServingFiles::Create(options, issuer, dispatcher));
//   xds_options.tls_credentials = files->ServerCredentials();
//
// Client certificates are not requested: a proxy has none before its first CSR,
// and the CA service authenticates callers by token.
// Thread-compatible: use on `dispatcher`'s thread (the issuer is called there).
// `dispatcher` must outlive this object.

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "control-plane/webhook/serving_certificate.h"

namespace weft::xds {

class TlsServingFiles {
 public:
  // Signs the public half of a key; returns the chain PEM (leaf first).
  using Issuer = webhook::ServingCertificate::Issuer;

  struct Options {
    std::string directory;  // created (0700) if missing; empty: mkdtemp under $TMPDIR or /tmp
    // How often gRPC re-reads the files; a renewal is served within this time.
    absl::Duration reload_interval = absl::Minutes(1);
    // How often the certificate is checked for renewal (and retried after a failure).
    absl::Duration check_interval = absl::Minutes(1);
  };

  // Issues the first certificate. kInvalidArgument for bad options, the issuer's
  // error, or kInternal when the files cannot be written.
  static absl::StatusOr<std::unique_ptr<TlsServingFiles>> Create(const Options& options,
                                                                 Issuer issuer,
                                                                 event::Dispatcher& dispatcher);

  // TLS server credentials watching the files (no client certificate requested).
  std::shared_ptr<grpc::ServerCredentials> ServerCredentials() const;

  const std::string& key_path() const { return key_path_; }
  const std::string& cert_path() const { return cert_path_; }
  absl::Time not_after() const { return certificate_.not_after(); }
  int renewals() const { return certificate_.renewals(); }

 private:
  TlsServingFiles(const Options& options, Issuer issuer, event::Dispatcher& dispatcher)
      : options_(options), certificate_(std::move(issuer), dispatcher.time_source()) {}

  // Renews when due; writes the files when the certificate in use changed.
  absl::Status Refresh();
  void OnTimer();

  const Options options_;
  webhook::ServingCertificate certificate_;
  std::string key_path_;
  std::string cert_path_;
  const SSL_CTX* written_ = nullptr;  // the context whose key and chain the files hold
  std::shared_ptr<SSL_CTX> current_;  // keeps written_ alive
  std::unique_ptr<event::Timer> timer_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_TLS_SERVING_FILES_H_
