#include "proxy/tls/mesh_tls.h"

#include "absl/strings/str_cat.h"
#include "certs/trust_bundle.h"
#include "common/log/log.h"
#include "proxy/tls/tls_transport_socket.h"

namespace weft::tls {

MeshTls::MeshTls(const TimeSource& time)
    : time_(time), ticket_keys_(SessionTicketKeys::Create(time, absl::Hours(1))) {}

absl::Status MeshTls::SetCertificate(const std::string& chain_pem, const std::string& key_pem,
                                     const std::string& ca_bundle_pem,
                                     const std::string& trust_domain, absl::Time not_after) {
  MutexLock lock(&mu_);
  const absl::Time old_not_after = not_after_;
  not_after_ = not_after;
  std::string old_chain = std::move(chain_pem_), old_key = std::move(key_pem_),
              old_bundle = std::move(ca_bundle_pem_), old_td = std::move(trust_domain_);
  chain_pem_ = chain_pem;
  key_pem_ = key_pem;
  ca_bundle_pem_ = ca_bundle_pem;
  trust_domain_ = trust_domain;
  absl::Status status = RebuildLocked();
  if (!status.ok()) {  // keep serving with what we had
    chain_pem_ = std::move(old_chain);
    key_pem_ = std::move(old_key);
    ca_bundle_pem_ = std::move(old_bundle);
    trust_domain_ = std::move(old_td);
    not_after_ = old_not_after;
  }
  return status;
}

absl::Status MeshTls::SetTrustBundle(const std::string& bundle_pem) {
  MutexLock lock(&mu_);
  if (bundle_pem == sds_bundle_pem_) return absl::OkStatus();
  std::string old = std::move(sds_bundle_pem_);
  sds_bundle_pem_ = bundle_pem;
  if (chain_pem_.empty()) return absl::OkStatus();  // used once a certificate arrives
  absl::Status status = RebuildLocked();
  if (!status.ok()) sds_bundle_pem_ = std::move(old);
  return status;
}

absl::Status MeshTls::RebuildLocked() {
  const bool from_sds = !sds_bundle_pem_.empty();
  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem(trust_domain_, from_sds ? sds_bundle_pem_ : ca_bundle_pem_);
  if (!bundle.ok()) {
    status_.last_error = absl::StrCat("trust bundle: ", bundle.status().message());
    return bundle.status();
  }
  TlsServerOptions server;
  server.cert_chain_pem = chain_pem_;
  server.private_key_pem = key_pem_;
  server.trust_bundle = *bundle;
  server.ticket_keys = ticket_keys_;
  server.time_source = &time_;
  server.require_client_certificate = true;
  absl::StatusOr<std::shared_ptr<const TlsContext>> strict = TlsContext::CreateServer(server);
  server.require_client_certificate = false;
  absl::StatusOr<std::shared_ptr<const TlsContext>> permissive =
      strict.ok() ? TlsContext::CreateServer(server) : strict;
  TlsClientOptions client;
  client.cert_chain_pem = chain_pem_;
  client.private_key_pem = key_pem_;
  client.trust_bundle = *bundle;
  client.time_source = &time_;
  absl::StatusOr<std::shared_ptr<const TlsContext>> client_context =
      permissive.ok() ? TlsContext::CreateClient(client) : permissive;
  if (!client_context.ok()) {
    status_.last_error = std::string(client_context.status().message());
    return client_context.status();
  }
  strict_.Set(*std::move(strict));
  permissive_.Set(*std::move(permissive));
  const TlsContext& c = **client_context;
  client_.Set(*std::move(client_context));
  status_.ready = true;
  status_.identity = c.local_identity().ToString();
  status_.root_fingerprints = bundle->Fingerprints();
  status_.bundle_from_sds = from_sds;
  status_.not_after = not_after_;
  status_.last_error.clear();
  ++status_.swaps;
  WEFT_LOG(kInfo, "mTLS contexts ready: %s, %d root(s) from %s", status_.identity,
           static_cast<int>(status_.root_fingerprints.size()), from_sds ? "SDS" : "the CA");
  return absl::OkStatus();
}

MeshTls::Status MeshTls::status() const {
  MutexLock lock(&mu_);
  return status_;
}

absl::StatusOr<std::unique_ptr<network::TransportSocket>> UpstreamTlsFactory::Create(
    absl::string_view alpn, const std::string& session_key) const {
  std::shared_ptr<const TlsContext> context = mesh_.Client();
  if (context == nullptr) {
    return absl::UnavailableError("mtls_no_certificate: the proxy has no certificate yet");
  }
  TlsClientSocketOptions options;
  options.expected_server_identities = expected_;
  options.alpn = {std::string(alpn), kAlpnWeftMesh};
  options.session_key = absl::StrCat(cluster_, "|", session_key);
  options.server_name = sni_;
  absl::StatusOr<std::unique_ptr<TlsTransportSocket>> socket =
      TlsTransportSocket::CreateClient(std::move(context), options);
  if (!socket.ok()) return socket.status();
  return std::unique_ptr<network::TransportSocket>(std::move(*socket));
}

}  // namespace weft::tls
