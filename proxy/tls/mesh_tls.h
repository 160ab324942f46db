#ifndef WEFT_PROXY_TLS_MESH_TLS_H_
#define WEFT_PROXY_TLS_MESH_TLS_H_

// The proxy's TLS contexts for mTLS between sidecars: one server context for
// STRICT chains (a client certificate is required), one for PERMISSIVE chains
// (verified when sent), and one client context, all built from the current
// workload certificate and trust bundle and rebuilt whenever either changes.
//
//   MeshTls mesh(time_source);
//   // main thread, from identity::CertificateClient's listener:
//   mesh.SetCertificate(cert->chain_pem, key_pem, cert->trust_bundle_pem, td, expiry);
//   // from SDS (the control plane's "ROOTCA"):
//   mesh.SetTrustBundle(config.trust_bundle_pem);
//   // a worker, for a new connection:
//   std::shared_ptr<const TlsContext> server = mesh.Server(/*strict=*/true);
//
// A new certificate or bundle applies to new connections; established ones keep
// the context they started with (hot swap, nothing dropped). A certificate or
// bundle that does not build a valid context is refused and the current contexts
// stay. Thread-safe: setters on any thread, getters from workers.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "proxy/network/transport_socket.h"
#include "proxy/tls/session_ticket_keys.h"
#include "proxy/tls/tls_context_provider.h"

namespace weft::tls {

class MeshTls {
 public:
  explicit MeshTls(const TimeSource& time);

  // Our workload certificate (leaf first), its key (PKCS#8 PEM, never logged),
  // and the roots the CA said to trust with it.
  absl::Status SetCertificate(const std::string& chain_pem, const std::string& key_pem,
                              const std::string& ca_bundle_pem, const std::string& trust_domain,
                              absl::Time not_after);
  // The roots from SDS; empty keeps the CA's. Unchanged input is a no-op.
  absl::Status SetTrustBundle(const std::string& bundle_pem);

  // Null until a certificate was set.
  std::shared_ptr<const TlsContext> Server(bool require_client_certificate) const {
    return require_client_certificate ? strict_.Get() : permissive_.Get();
  }
  std::shared_ptr<const TlsContext> Client() const { return client_.Get(); }

  // What /certs and the metrics show.
  struct Status {
    bool ready = false;
    std::string identity;  // our SPIFFE ID
    absl::Time not_after = absl::InfinitePast();
    std::vector<std::string> root_fingerprints;
    bool bundle_from_sds = false;
    uint64_t swaps = 0;  // contexts built since start
    std::string last_error;
  };
  Status status() const;

 private:
  absl::Status RebuildLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TimeSource& time_;
  std::shared_ptr<SessionTicketKeys> ticket_keys_;
  TlsContextProvider strict_;
  TlsContextProvider permissive_;
  TlsContextProvider client_;
  mutable weft::Mutex mu_;
  std::string chain_pem_ ABSL_GUARDED_BY(mu_);
  std::string key_pem_ ABSL_GUARDED_BY(mu_);
  std::string ca_bundle_pem_ ABSL_GUARDED_BY(mu_);
  std::string sds_bundle_pem_ ABSL_GUARDED_BY(mu_);
  std::string trust_domain_ ABSL_GUARDED_BY(mu_);
  absl::Time not_after_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  Status status_ ABSL_GUARDED_BY(mu_);
};

// Client transports for one cluster's connections: mTLS towards servers that
// must present one of `expected_identities`.
class UpstreamTlsFactory final : public network::TransportSocketFactory {
 public:
  UpstreamTlsFactory(const MeshTls& mesh, std::vector<certs::SpiffeId> expected_identities,
                     std::string sni, std::string cluster)
      : mesh_(mesh),
        expected_(std::move(expected_identities)),
        sni_(std::move(sni)),
        cluster_(std::move(cluster)) {}

  absl::StatusOr<std::unique_ptr<network::TransportSocket>> Create(
      absl::string_view alpn, const std::string& session_key) const override;

 private:
  const MeshTls& mesh_;
  const std::vector<certs::SpiffeId> expected_;
  const std::string sni_;
  const std::string cluster_;
};

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_MESH_TLS_H_
