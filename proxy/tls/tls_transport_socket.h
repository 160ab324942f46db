#ifndef WEFT_PROXY_TLS_TLS_TRANSPORT_SOCKET_H_
#define WEFT_PROXY_TLS_TLS_TRANSPORT_SOCKET_H_

// TLS 1.3 (BoringSSL) under a network::Connection, for mTLS between sidecars.
//
//   TlsClientSocketOptions options;
//   options.expected_server_identities = {cart_sa1, cart_sa2};  // any one may answer
//   options.alpn = {"h2"};
//   options.session_key = "outbound|cart|10.0.0.7:8080";        // resumption
//   auto socket = TlsTransportSocket::CreateClient(provider.Get(), options);
//   auto conn = std::make_unique<network::Connection>(dispatcher, fd, true, limit,
//                                                     *std::move(socket));
//   // OnConnected after the handshake; a failure closes with
//   // CloseReason::kTlsHandshakeFailed and conn->close_detail() like
//   // "mtls_wrong_identity: server is spiffe://..., expected one of ...".
//
// I/O goes through memory BIOs over two Buffers (ciphertext in and out) rather
// than SSL_set_fd: one read(2) of up to 64 KiB feeds many records (a socket BIO
// reads each record's header and body separately), one write(2) carries every
// record produced in a call, errno never has to cross BoringSSL, and we decide
// how much ciphertext may wait: at most kMaxPendingCiphertext plus one SSL_write
// chunk, so a slow peer leaves the backlog in the connection's (watermarked)
// plaintext buffer.
//
// Holds a shared_ptr to its TlsContext: a context swap affects new connections
// only. Thread-compatible: used on the owning connection's dispatcher thread.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certs/spiffe_id.h"
#include "openssl/base.h"
#include "proxy/network/buffer.h"
#include "proxy/network/transport_socket.h"
#include "proxy/tls/tls_context.h"

namespace weft::tls {

// First token of Connection::close_detail() for TLS failures (metrics, logs).
inline constexpr absl::string_view kReasonWrongIdentity = "mtls_wrong_identity";
inline constexpr absl::string_view kReasonUntrustedPeer = "mtls_untrusted_peer";
inline constexpr absl::string_view kReasonNoClientCertificate = "mtls_no_client_certificate";
inline constexpr absl::string_view kReasonHandshakeFailed = "mtls_handshake_failed";
inline constexpr absl::string_view kReasonTlsError = "tls_error";
inline constexpr absl::string_view kReasonTruncated = "tls_truncated";

// "mtls_wrong_identity" from "mtls_wrong_identity: ...".
absl::string_view TlsFailureReason(absl::string_view close_detail);

struct TlsClientSocketOptions {
  // The server must present one of these (a service may run as several service
  // accounts). Required unless allow_any_identity is set.
  std::vector<certs::SpiffeId> expected_server_identities;
  // Accept any identity in the bundle's trust domain (e.g. to the control plane
  // before identities are known). Off by default: hard to misuse.
  bool allow_any_identity = false;
  // ALPN to offer; empty offers the context's default.
  std::vector<std::string> alpn;
  // Sessions for resumption are cached under this key; empty disables it.
  std::string session_key;
  // SNI, optional (peers are authenticated by SPIFFE ID, not by name).
  std::string server_name;
};

class TlsTransportSocket final : public network::TransportSocket {
 public:
  static constexpr size_t kReadChunk = 64 * 1024;
  static constexpr size_t kWriteChunk = 32 * 1024;
  static constexpr size_t kMaxPendingCiphertext = 64 * 1024;

  // kInvalidArgument for a null or server context, or no expected identities.
  static absl::StatusOr<std::unique_ptr<TlsTransportSocket>> CreateClient(
      std::shared_ptr<const TlsContext> context, const TlsClientSocketOptions& options);
  // kInvalidArgument for a null or client context.
  static absl::StatusOr<std::unique_ptr<TlsTransportSocket>> CreateServer(
      std::shared_ptr<const TlsContext> context);

  ~TlsTransportSocket() override;

  void Init(int fd) override { fd_ = fd; }
  network::IoResult OnTcpConnected() override;
  network::IoResult DoRead(network::Buffer& buffer, size_t max_buffered) override;
  network::IoResult DoWrite(network::Buffer& buffer, bool end_stream) override;
  void OnFdClosing(bool graceful) override;
  void AdoptReceived(network::Buffer& bytes) override { cipher_in_->Move(bytes); }
  bool handshake_complete() const override { return handshake_done_; }
  const network::PeerInfo& peer_info() const override { return peer_info_; }
  std::string close_detail() const override { return close_detail_; }

  const TlsContext& context() const { return *context_; }
  // The BoringSSL connection, for inspection (tests, diagnostics).
  const SSL* ssl() const { return ssl_.get(); }

  // Used by the BoringSSL callbacks (tls_callbacks.h).
  ssl_verify_result_t VerifyPeer(uint8_t* out_alert);
  void OnNewSession(bssl::UniquePtr<SSL_SESSION> session);
  static TlsTransportSocket* FromSsl(const SSL* ssl);
  // Our BIO's view of the ciphertext buffers.
  network::Buffer& ciphertext_in() { return *cipher_in_; }
  network::Buffer& ciphertext_out() { return *cipher_out_; }

 private:
  TlsTransportSocket(std::shared_ptr<const TlsContext> context, bssl::UniquePtr<SSL> ssl);
  static absl::StatusOr<std::unique_ptr<TlsTransportSocket>> CreateCommon(
      std::shared_ptr<const TlsContext> context);

  // Verifies the peer chain at the current time and, on a client, the identity.
  // Empty on success, else a close detail.
  std::string CheckPeer(uint8_t* alert);
  // Reads up to one chunk from the fd into cipher_in_. False on a socket error.
  bool FillCiphertext(network::IoResult& result, bool* would_block);
  // Writes cipher_out_ to the fd; then the FIN if close_notify is out.
  bool FlushCiphertext(network::IoResult& result);
  void Handshake(network::IoResult& result);
  void OnHandshakeDone(network::IoResult& result);
  void Fail(network::IoResult& result, network::CloseReason reason, std::string detail);
  void FinishResult(network::IoResult& result) const;

  std::shared_ptr<const TlsContext> context_;
  bssl::UniquePtr<SSL> ssl_;
  int fd_ = -1;
  // The ciphertext buffers give their storage back whenever they are empty
  // between I/O calls, so that an idle connection holds none (a read chunk is
  // 64 KiB; BoringSSL likewise frees its own record buffers when empty).
  // Always engaged; std::optional only to reset a non-movable Buffer.
  static void ReleaseIfEmpty(std::optional<network::Buffer>& buffer) {
    if (buffer->empty()) buffer.emplace();
  }
  std::optional<network::Buffer> cipher_in_{std::in_place};
  std::optional<network::Buffer> cipher_out_{std::in_place};
  bool handshake_done_ = false;
  bool fd_eof_ = false;
  bool close_notify_queued_ = false;
  bool fin_sent_ = false;
  bool failed_ = false;
  // Client only.
  std::vector<certs::SpiffeId> expected_identities_;
  bool allow_any_identity_ = false;
  std::string session_key_;
  // Set by VerifyPeer when it rejects, so that the handshake error names it.
  std::string verify_failure_;
  // Client: the server leaf's notAfter, found at the first session ticket.
  absl::Time peer_not_after_ = absl::InfinitePast();
  std::string close_detail_;
  network::PeerInfo peer_info_;
};

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_TLS_TRANSPORT_SOCKET_H_
