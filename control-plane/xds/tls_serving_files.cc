#include "control-plane/xds/tls_serving_files.h"

#include <stdlib.h>

#include <utility>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/key_pair.h"
#include "certs/x509_util.h"
#include "common/log/log.h"

namespace weft::xds {
namespace {

// The key (PKCS#8) and chain (leaf first) PEM of a server context.
absl::Status ContextPem(const SSL_CTX* ctx, std::string* key_pem, std::string* chain_pem) {
  EVP_PKEY* key = SSL_CTX_get0_privatekey(ctx);
  X509* leaf = SSL_CTX_get0_certificate(ctx);
  if (key == nullptr || leaf == nullptr) return absl::InternalError("no key or certificate");
  EVP_PKEY_up_ref(key);
  absl::StatusOr<certs::KeyPair> pair = certs::KeyPair::FromKey(bssl::UniquePtr<EVP_PKEY>(key));
  if (!pair.ok()) return pair.status();
  absl::StatusOr<std::string> pem = pair->ToPkcs8Pem();
  if (!pem.ok()) return pem.status();
  *key_pem = *std::move(pem);
  absl::StatusOr<std::string> leaf_pem = certs::CertificateToPem(leaf);
  if (!leaf_pem.ok()) return leaf_pem.status();
  *chain_pem = *std::move(leaf_pem);
  STACK_OF(X509)* chain = nullptr;
  if (SSL_CTX_get0_chain_certs(ctx, &chain) && chain != nullptr) {
    for (size_t i = 0; i < sk_X509_num(chain); ++i) {
      absl::StatusOr<std::string> cert = certs::CertificateToPem(sk_X509_value(chain, i));
      if (!cert.ok()) return cert.status();
      *chain_pem += *cert;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsServingFiles>> TlsServingFiles::Create(
    const Options& options, Issuer issuer, event::Dispatcher& dispatcher) {
  if (options.reload_interval < absl::Seconds(1) || options.check_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "the TLS certificate reload interval must be at least 1s and the check interval positive");
  }
  if (issuer == nullptr) return absl::InvalidArgumentError("no certificate issuer");
  std::unique_ptr<TlsServingFiles> files(new TlsServingFiles(options, std::move(issuer), dispatcher));
  std::string dir = options.directory;
  if (dir.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/weft-xds-tls-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create a directory like ", pattern,
                                              " for the xDS TLS certificate"));
    }
    dir = pattern;
  } else if (absl::Status s = certs::EnsureDirectory(dir, 0700); !s.ok()) {
    return s;
  }
  files->key_path_ = absl::StrCat(dir, "/tls.key");
  files->cert_path_ = absl::StrCat(dir, "/tls.crt");
  if (absl::Status s = files->Refresh(); !s.ok()) return s;
  TlsServingFiles* self = files.get();
  files->timer_ = dispatcher.CreateTimer([self] { self->OnTimer(); });
  files->timer_->Enable(options.check_interval);
  return files;
}

absl::Status TlsServingFiles::Refresh() {
  absl::StatusOr<std::shared_ptr<SSL_CTX>> ctx = certificate_.Current();
  if (!ctx.ok()) return ctx.status();
  if (ctx->get() == written_) return absl::OkStatus();
  std::string key_pem, chain_pem;
  if (absl::Status s = ContextPem(ctx->get(), &key_pem, &chain_pem); !s.ok()) return s;
  // Key first: gRPC re-reads both files and retries when one changed meanwhile.
  if (absl::Status s = certs::WriteFileAtomically(key_path_, key_pem, 0600); !s.ok()) return s;
  if (absl::Status s = certs::WriteFileAtomically(cert_path_, chain_pem, 0644); !s.ok()) return s;
  current_ = *std::move(ctx);
  written_ = current_.get();
  WEFT_LOG(kInfo, "xds TLS: serving certificate %s in %s, expires %s",
           renewals() == 0 ? "issued" : "renewed", cert_path_,
           absl::FormatTime(certificate_.not_after()));
  return absl::OkStatus();
}

void TlsServingFiles::OnTimer() {
  if (absl::Status s = Refresh(); !s.ok()) {
    WEFT_LOG(kError, "xds TLS: the serving certificate (expires %s) cannot be renewed or written: %s",
             absl::FormatTime(certificate_.not_after()), s.ToString());
  }
  timer_->Enable(options_.check_interval);
}

std::shared_ptr<grpc::ServerCredentials> TlsServingFiles::ServerCredentials() const {
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      key_path_, cert_path_,
      static_cast<unsigned int>(absl::ToInt64Seconds(options_.reload_interval)));
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace weft::xds
