#ifndef WEFT_PROXY_TLS_TLS_CONTEXT_H_
#define WEFT_PROXY_TLS_TLS_CONTEXT_H_

// One immutable TLS configuration for mTLS between sidecars: our certificate
// chain and key, the trust bundle peers are verified against, ALPN, and session
// resumption. TLS 1.3 only, BoringSSL underneath.
//
//   TlsServerOptions options;
//   options.cert_chain_pem = svid_pem;          // leaf first, then intermediates
//   options.private_key_pem = key_pem;          // PKCS#8 P-256; never logged
//   options.trust_bundle = bundle;              // may hold several roots
//   options.time_source = &dispatcher.time_source();
//   options.ticket_keys = process_ticket_keys;  // one SessionTicketKeys per process
//   absl::StatusOr<std::shared_ptr<const TlsContext>> ctx = TlsContext::CreateServer(options);
//
// Peers are verified with certs::VerifyWorkloadChainDer at the TimeSource's
// wall-clock time (expiry, trust domain, SPIFFE SAN, chain to a bundle root), not
// by BoringSSL's X.509 verifier. A certificate swap builds a new context and
// publishes it through a TlsContextProvider; connections keep the context they
// were created with (they hold a shared_ptr).
//
// Thread-safe: everything is immutable after Create except the client's session
// cache, which has its own lock.

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certs/spiffe_id.h"
#include "certs/trust_bundle.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "openssl/base.h"
#include "proxy/tls/session_ticket_keys.h"

namespace weft::tls {

inline constexpr char kAlpnH2[] = "h2";
inline constexpr char kAlpnHttp11[] = "http/1.1";
// Opaque TCP between sidecars (no HTTP parsing on the server side).
inline constexpr char kAlpnWeftOpaque[] = "weft-opaque";
// Offered by sidecars next to the real protocol, never selected: it tells a
// sidecar's mTLS from an application's own TLS on a PERMISSIVE port.
inline constexpr char kAlpnWeftMesh[] = "weft-mesh";

struct TlsServerOptions {
  std::string cert_chain_pem;   // leaf first, then intermediates
  std::string private_key_pem;  // "PRIVATE KEY" (PKCS#8), ECDSA P-256
  // Must hold at least one root.
  std::optional<certs::TrustBundle> trust_bundle;
  // Our preference: the first of these that the client also offers wins.
  std::vector<std::string> alpn_preference = {kAlpnH2, kAlpnHttp11, kAlpnWeftOpaque};
  // STRICT: a client without a certificate fails the handshake
  // (mtls_no_client_certificate). Otherwise a certificate is asked for, and
  // verified when one is sent.
  bool require_client_certificate = true;
  // Session tickets; null turns resumption off.
  std::shared_ptr<SessionTicketKeys> ticket_keys;
  // Upper bound for a resumed session's age (BoringSSL enforces it).
  absl::Duration session_lifetime = absl::Hours(2);
  const TimeSource* time_source = nullptr;  // required; outlives the context
};

struct TlsClientOptions {
  std::string cert_chain_pem;
  std::string private_key_pem;
  std::optional<certs::TrustBundle> trust_bundle;
  // What we offer when the connection does not say otherwise, in our order.
  std::vector<std::string> alpn = {kAlpnH2, kAlpnHttp11};
  // Sessions kept for resumption, in total over all session keys; 0 turns
  // resumption off.
  size_t session_cache_size = 1024;
  absl::Duration session_lifetime = absl::Hours(2);
  const TimeSource* time_source = nullptr;  // required; outlives the context
};

class TlsContext {
 public:
  // kInvalidArgument listing every problem with the options (unparsable PEM,
  // key not matching the certificate, our own chain not verifying against the
  // bundle at the current time, bad ALPN names...).
  static absl::StatusOr<std::shared_ptr<const TlsContext>> CreateServer(
      const TlsServerOptions& options);
  static absl::StatusOr<std::shared_ptr<const TlsContext>> CreateClient(
      const TlsClientOptions& options);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  bool is_server() const { return is_server_; }
  SSL_CTX* ssl_ctx() const { return ctx_.get(); }
  const certs::TrustBundle& trust_bundle() const { return *trust_bundle_; }
  const TimeSource& time_source() const { return *time_source_; }
  // Our own identity, from our certificate.
  const certs::SpiffeId& local_identity() const { return *local_identity_; }
  // Server: preference order. Client: default offer.
  const std::vector<std::string>& alpn() const { return alpn_; }
  // The same in ALPN wire format (length-prefixed).
  const std::string& alpn_wire() const { return alpn_wire_; }
  bool require_client_certificate() const { return require_client_certificate_; }

  // Client session cache, keyed by what the caller chose (e.g. cluster and
  // address). Take removes the session: TLS 1.3 tickets are single-use. At most
  // kSessionsPerKey per key and session_cache_size in total.
  bssl::UniquePtr<SSL_SESSION> TakeSession(const std::string& key) const;
  void StoreSession(const std::string& key, bssl::UniquePtr<SSL_SESSION> session) const;
  size_t cached_sessions() const;

  // ex_data index on SSL_CTX pointing back at the TlsContext.
  static int ExDataIndex();
  static constexpr size_t kSessionsPerKey = 4;

 private:
  TlsContext() = default;
  struct CommonOptions;
  static absl::StatusOr<std::shared_ptr<TlsContext>> CreateCommon(const CommonOptions& options);

  bool is_server_ = false;
  bssl::UniquePtr<SSL_CTX> ctx_;
  std::optional<certs::TrustBundle> trust_bundle_;
  const TimeSource* time_source_ = nullptr;
  std::optional<certs::SpiffeId> local_identity_;
  std::vector<std::string> alpn_;
  std::string alpn_wire_;
  bool require_client_certificate_ = false;
  std::shared_ptr<SessionTicketKeys> ticket_keys_;

  size_t session_cache_size_ = 0;
  mutable weft::Mutex sessions_mu_;
  mutable absl::flat_hash_map<std::string, std::deque<bssl::UniquePtr<SSL_SESSION>>> sessions_
      ABSL_GUARDED_BY(sessions_mu_);
  mutable size_t session_count_ ABSL_GUARDED_BY(sessions_mu_) = 0;
};

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_TLS_CONTEXT_H_
