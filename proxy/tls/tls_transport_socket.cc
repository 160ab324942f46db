#include "proxy/tls/tls_transport_socket.h"

#include <errno.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certs/x509_util.h"
#include "absl/strings/str_join.h"
#include "certs/trust_bundle.h"
#include "openssl/bio.h"
#include "openssl/err.h"
#include "openssl/pool.h"
#include "openssl/ssl.h"
#include "proxy/tls/tls_callbacks.h"

namespace weft::tls {
namespace {

using network::Buffer;
using network::CloseReason;
using network::IoResult;

int SslExDataIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

TlsTransportSocket* SocketOf(BIO* bio) { return static_cast<TlsTransportSocket*>(BIO_get_data(bio)); }

// The BIO between BoringSSL and our ciphertext buffers: reads drain
// ciphertext_in (retry when empty), writes append to ciphertext_out (always
// complete; DoWrite bounds how much is produced).
int BufferBioRead(BIO* bio, char* out, int len) {
  BIO_clear_retry_flags(bio);
  Buffer& in = SocketOf(bio)->ciphertext_in();
  if (in.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  size_t n = std::min(in.size(), static_cast<size_t>(len));
  std::memcpy(out, in.data(), n);
  in.Drain(n);
  return static_cast<int>(n);
}

int BufferBioWrite(BIO* bio, const char* data, int len) {
  BIO_clear_retry_flags(bio);
  SocketOf(bio)->ciphertext_out().Append(data, static_cast<size_t>(len));
  return len;
}

long BufferBioCtrl(BIO* bio, int cmd, long larg, void* parg) {
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

const BIO_METHOD* BufferBioMethod() {
  static const BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "weft_buffer");
    BIO_meth_set_read(m, BufferBioRead);
    BIO_meth_set_write(m, BufferBioWrite);
    BIO_meth_set_ctrl(m, BufferBioCtrl);
    return m;
  }();
  return method;
}

std::string DrainSslErrors() {
  std::string out;
  for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out;
}

uint8_t AlertFor(absl::string_view cert_reason) {
  if (cert_reason == certs::kReasonExpired) return SSL_AD_CERTIFICATE_EXPIRED;
  if (cert_reason == certs::kReasonUnknownRoot) return SSL_AD_UNKNOWN_CA;
  return SSL_AD_BAD_CERTIFICATE;
}

}  // namespace

absl::string_view TlsFailureReason(absl::string_view close_detail) {
  size_t colon = close_detail.find(':');
  return colon == absl::string_view::npos ? close_detail : close_detail.substr(0, colon);
}

ssl_verify_result_t VerifyPeerCallback(SSL* ssl, uint8_t* out_alert) {
  TlsTransportSocket* socket = TlsTransportSocket::FromSsl(ssl);
  if (socket == nullptr) return ssl_verify_invalid;
  return socket->VerifyPeer(out_alert);
}

int NewClientSessionCallback(SSL* ssl, SSL_SESSION* session) {
  TlsTransportSocket* socket = TlsTransportSocket::FromSsl(ssl);
  if (socket == nullptr) return 0;
  socket->OnNewSession(bssl::UniquePtr<SSL_SESSION>(session));
  return 1;  // we own the reference now
}

TlsTransportSocket* TlsTransportSocket::FromSsl(const SSL* ssl) {
  return static_cast<TlsTransportSocket*>(SSL_get_ex_data(ssl, SslExDataIndex()));
}

TlsTransportSocket::TlsTransportSocket(std::shared_ptr<const TlsContext> context,
                                       bssl::UniquePtr<SSL> ssl)
    : context_(std::move(context)), ssl_(std::move(ssl)) {
  peer_info_.tls = true;
}

TlsTransportSocket::~TlsTransportSocket() = default;

absl::StatusOr<std::unique_ptr<TlsTransportSocket>> TlsTransportSocket::CreateCommon(
    std::shared_ptr<const TlsContext> context) {
  bssl::UniquePtr<SSL> ssl(SSL_new(context->ssl_ctx()));
  BIO* bio = BIO_new(BufferBioMethod());
  if (ssl == nullptr || bio == nullptr) {
    BIO_free(bio);
    ERR_clear_error();
    return absl::ResourceExhaustedError("cannot allocate a TLS session");
  }
  auto socket = std::unique_ptr<TlsTransportSocket>(
      new TlsTransportSocket(std::move(context), std::move(ssl)));
  BIO_set_data(bio, socket.get());
  BIO_set_init(bio, 1);
  SSL_set_bio(socket->ssl_.get(), bio, bio);  // one reference, owned by the SSL
  // Once the handshake is done BoringSSL frees the per-connection copy of the
  // configuration (certificate chain and key references, ALPN list, ...): an
  // idle keep-alive connection keeps only what the session needs. TLS 1.3 has
  // no renegotiation that would need it again.
  SSL_set_shed_handshake_config(socket->ssl_.get(), 1);
  SSL_set_ex_data(socket->ssl_.get(), SslExDataIndex(), socket.get());
  return socket;
}

absl::StatusOr<std::unique_ptr<TlsTransportSocket>> TlsTransportSocket::CreateClient(
    std::shared_ptr<const TlsContext> context, const TlsClientSocketOptions& options) {
  if (context == nullptr || context->is_server()) {
    return absl::InvalidArgumentError("TLS client socket needs a client TlsContext");
  }
  if (options.expected_server_identities.empty() && !options.allow_any_identity) {
    return absl::InvalidArgumentError(
        "TLS client socket: expected_server_identities is empty (set allow_any_identity to "
        "accept any identity in the trust domain)");
  }
  std::string alpn_wire = context->alpn_wire();
  if (!options.alpn.empty()) {
    alpn_wire.clear();
    for (const std::string& p : options.alpn) {
      if (p.empty() || p.size() > 255) {
        return absl::InvalidArgumentError(
            absl::StrCat("TLS client socket: bad ALPN protocol \"", p, "\""));
      }
      alpn_wire.push_back(static_cast<char>(p.size()));
      alpn_wire.append(p);
    }
  }
  absl::StatusOr<std::unique_ptr<TlsTransportSocket>> socket = CreateCommon(context);
  if (!socket.ok()) return socket.status();
  TlsTransportSocket& s = **socket;
  SSL* ssl = s.ssl_.get();
  SSL_set_connect_state(ssl);
  s.expected_identities_ = options.expected_server_identities;
  s.allow_any_identity_ = options.allow_any_identity;
  s.session_key_ = options.session_key;
  if (!alpn_wire.empty() &&
      SSL_set_alpn_protos(ssl, reinterpret_cast<const uint8_t*>(alpn_wire.data()),
                          alpn_wire.size()) != 0) {
    ERR_clear_error();
    return absl::InternalError("SSL_set_alpn_protos failed");
  }
  if (!options.server_name.empty() && !SSL_set_tlsext_host_name(ssl, options.server_name.c_str())) {
    ERR_clear_error();
    return absl::InvalidArgumentError("TLS client socket: bad server_name");
  }
  if (!s.session_key_.empty()) {
    bssl::UniquePtr<SSL_SESSION> session = context->TakeSession(s.session_key_);
    if (session != nullptr) SSL_set_session(ssl, session.get());  // takes its own reference
  }
  return socket;
}

absl::StatusOr<std::unique_ptr<TlsTransportSocket>> TlsTransportSocket::CreateServer(
    std::shared_ptr<const TlsContext> context) {
  if (context == nullptr || !context->is_server()) {
    return absl::InvalidArgumentError("TLS server socket needs a server TlsContext");
  }
  absl::StatusOr<std::unique_ptr<TlsTransportSocket>> socket = CreateCommon(context);
  if (!socket.ok()) return socket.status();
  SSL_set_accept_state((*socket)->ssl_.get());
  return socket;
}

std::string TlsTransportSocket::CheckPeer(uint8_t* alert) {
  *alert = SSL_AD_BAD_CERTIFICATE;
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(ssl_.get());
  if (chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    if (context_->is_server()) {
      if (!context_->require_client_certificate()) return "";
      *alert = SSL_AD_CERTIFICATE_REQUIRED;
      return absl::StrCat(kReasonNoClientCertificate,
                          ": the client sent no certificate and this port requires mTLS");
    }
    return absl::StrCat(kReasonUntrustedPeer, ": the server sent no certificate");
  }
  std::vector<absl::string_view> der;
  der.reserve(sk_CRYPTO_BUFFER_num(chain));
  for (size_t i = 0; i < sk_CRYPTO_BUFFER_num(chain); ++i) {
    const CRYPTO_BUFFER* cert = sk_CRYPTO_BUFFER_value(chain, i);
    der.emplace_back(reinterpret_cast<const char*>(CRYPTO_BUFFER_data(cert)),
                     CRYPTO_BUFFER_len(cert));
  }
  absl::StatusOr<certs::SpiffeId> id = certs::VerifyWorkloadChainDer(
      der, context_->trust_bundle(), context_->time_source().SystemNow());
  if (!id.ok()) {
    *alert = AlertFor(certs::VerifyFailureReason(id.status()));
    return absl::StrCat(kReasonUntrustedPeer, ": ", id.status().message());
  }
  if (!context_->is_server() && !allow_any_identity_ &&
      std::find(expected_identities_.begin(), expected_identities_.end(), *id) ==
          expected_identities_.end()) {
    *alert = SSL_AD_ACCESS_DENIED;
    std::vector<std::string> expected;
    for (const certs::SpiffeId& e : expected_identities_) expected.push_back(e.ToString());
    return absl::StrCat(kReasonWrongIdentity, ": the server is ", id->ToString(),
                        ", expected one of [", absl::StrJoin(expected, ", "), "]");
  }
  peer_info_.peer_identity = *std::move(id);
  return "";
}

ssl_verify_result_t TlsTransportSocket::VerifyPeer(uint8_t* out_alert) {
  verify_failure_ = CheckPeer(out_alert);
  return verify_failure_.empty() ? ssl_verify_ok : ssl_verify_invalid;
}

void TlsTransportSocket::OnNewSession(bssl::UniquePtr<SSL_SESSION> session) {
  if (session_key_.empty()) return;
  // A session must not outlive the server certificate it was made with: resuming it
  // after that expiry would fail our re-check of the peer (certificate_expired)
  // and cost the connection. Found once per connection, when the first ticket comes.
  if (peer_not_after_ == absl::InfinitePast()) {
    peer_not_after_ = absl::InfiniteFuture();
    const STACK_OF(CRYPTO_BUFFER)* chain = SSL_SESSION_get0_peer_certificates(session.get());
    if (chain != nullptr && sk_CRYPTO_BUFFER_num(chain) > 0) {
      const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
      absl::StatusOr<bssl::UniquePtr<X509>> cert = certs::ParseCertificateDer(absl::string_view(
          reinterpret_cast<const char*>(CRYPTO_BUFFER_data(leaf)), CRYPTO_BUFFER_len(leaf)));
      if (cert.ok()) {
        absl::StatusOr<absl::Time> not_after = certs::AsnTimeToTime(X509_get0_notAfter(cert->get()));
        if (not_after.ok()) peer_not_after_ = *not_after;
      }
    }
  }
  if (peer_not_after_ != absl::InfiniteFuture()) {
    // A second of margin for the time between taking a session and the handshake.
    const int64_t left =
        absl::ToInt64Seconds(peer_not_after_ - context_->time_source().SystemNow()) - 1;
    if (left <= 0) return;
    if (static_cast<uint64_t>(left) < SSL_SESSION_get_timeout(session.get())) {
      SSL_SESSION_set_timeout(session.get(), static_cast<uint32_t>(left));
    }
  }
  context_->StoreSession(session_key_, std::move(session));
}

void TlsTransportSocket::Fail(IoResult& result, CloseReason reason, std::string detail) {
  failed_ = true;
  ERR_clear_error();
  result.close = true;
  result.close_reason = reason;
  close_detail_ = std::move(detail);
}

void TlsTransportSocket::FinishResult(IoResult& result) const {
  result.wants_write = !cipher_out_->empty() || (close_notify_queued_ && !fin_sent_);
}

bool TlsTransportSocket::FillCiphertext(IoResult& result, bool* would_block) {
  while (true) {
    ssize_t n = cipher_in_->ReadFrom(fd_, kReadChunk);
    if (n > 0) {
      if (static_cast<size_t>(n) < kReadChunk) *would_block = true;
      return true;
    }
    if (n == 0) {
      fd_eof_ = true;
      *would_block = true;
      return true;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      *would_block = true;
      return true;
    }
    Fail(result, CloseReason::kRemoteReset, "");
    return false;
  }
}

bool TlsTransportSocket::FlushCiphertext(IoResult& result) {
  while (!cipher_out_->empty()) {
    ssize_t n = cipher_out_->WriteTo(fd_);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (!result.close) Fail(result, CloseReason::kRemoteReset, "");
    return false;
  }
  if (cipher_out_->empty() && close_notify_queued_ && !fin_sent_) {
    ::shutdown(fd_, SHUT_WR);
    fin_sent_ = true;
  }
  ReleaseIfEmpty(cipher_out_);
  return true;
}

IoResult TlsTransportSocket::OnTcpConnected() {
  IoResult result;
  if (SSL_is_server(ssl_.get())) return result;  // wait for the ClientHello
  Handshake(result);
  FinishResult(result);
  return result;
}

void TlsTransportSocket::Handshake(IoResult& result) {
  int rc = SSL_do_handshake(ssl_.get());
  if (rc == 1) {
    handshake_done_ = true;
    OnHandshakeDone(result);
    FlushCiphertext(result);
    return;
  }
  int err = SSL_get_error(ssl_.get(), rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    FlushCiphertext(result);
    return;
  }
  std::string detail;
  if (!verify_failure_.empty()) {
    detail = verify_failure_;
  } else {
    uint32_t first = ERR_peek_error();
    if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
        ERR_GET_REASON(first) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
      detail = absl::StrCat(kReasonNoClientCertificate,
                            ": the client sent no certificate and this port requires mTLS");
    } else {
      std::string errors = DrainSslErrors();
      detail = absl::StrCat(kReasonHandshakeFailed, ": ",
                            errors.empty() ? "the peer closed the connection" : errors);
    }
  }
  FlushCiphertext(result);  // best effort: the alert tells the peer why
  Fail(result, CloseReason::kTlsHandshakeFailed, std::move(detail));
}

void TlsTransportSocket::OnHandshakeDone(IoResult& result) {
  SSL* ssl = ssl_.get();
  peer_info_.session_reused = SSL_session_reused(ssl) != 0;
  const uint8_t* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  peer_info_.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  peer_info_.tls_version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    peer_info_.cipher = SSL_CIPHER_standard_name(cipher);
  }
  if (SSL_is_server(ssl)) {
    // BoringSSL holds TLS 1.3 session tickets back until the server writes; a
    // zero-byte write releases them into our ciphertext buffer (memory, so a
    // client that does not read cannot stall us).
    SSL_write(ssl, nullptr, 0);
    ERR_clear_error();
  }
  if (peer_info_.session_reused) {
    // No certificate was exchanged, so the verify callback did not run: check the
    // chain remembered in the session now, at today's time and against today's
    // bundle, so that resumption never outlives what a full handshake would accept.
    uint8_t alert;
    std::string failure = CheckPeer(&alert);
    if (!failure.empty()) {
      SSL_send_fatal_alert(ssl, alert);
      FlushCiphertext(result);
      Fail(result, CloseReason::kTlsHandshakeFailed, std::move(failure));
      return;
    }
  }
  result.connected = true;
}

IoResult TlsTransportSocket::DoRead(Buffer& buffer, size_t max_buffered) {
  IoResult result;
  if (failed_) return result;
  if (!handshake_done_) {
    bool would_block = false;
    // Handshake flights are a few KiB; the cap keeps a flooding peer bounded.
    while (!would_block && cipher_in_->size() < 4 * kReadChunk) {
      if (!FillCiphertext(result, &would_block)) return result;
    }
    Handshake(result);
    if (result.close) return result;
    if (!handshake_done_ && fd_eof_) {
      Fail(result, CloseReason::kTlsHandshakeFailed,
           absl::StrCat(kReasonHandshakeFailed,
                        ": the peer closed the connection during the handshake"));
      return result;
    }
    FinishResult(result);
    // Application data may have come right behind the handshake.
    result.read_pending = handshake_done_ && !cipher_in_->empty();
    if (handshake_done_) ReleaseIfEmpty(cipher_in_);
    return result;
  }

  bool would_block = false;
  bool at_limit = false;
  bool wants_read = false;
  while (true) {
    if (buffer.size() >= max_buffered) {
      at_limit = true;
      break;
    }
    constexpr size_t kRecord = 16 * 1024;
    int n = SSL_read(ssl_.get(), buffer.Reserve(kRecord), kRecord);
    if (n > 0) {
      buffer.Commit(static_cast<size_t>(n));
      result.bytes += n;
      continue;
    }
    int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_READ) {
      if (would_block) {
        wants_read = true;
        break;
      }
      if (!FillCiphertext(result, &would_block)) return result;
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN) {  // close_notify: the peer's half-close
      result.end_stream = true;
      break;
    }
    std::string errors = DrainSslErrors();
    FlushCiphertext(result);
    Fail(result, CloseReason::kTlsError, absl::StrCat(kReasonTlsError, ": ", errors));
    return result;
  }
  if (wants_read && fd_eof_) {
    Fail(result, CloseReason::kTlsError,
         absl::StrCat(kReasonTruncated, ": the peer closed TCP without close_notify"));
    return result;
  }
  if (!FlushCiphertext(result)) return result;  // e.g. a KeyUpdate answer
  FinishResult(result);
  result.read_pending =
      at_limit && !result.end_stream && (!cipher_in_->empty() || SSL_pending(ssl_.get()) > 0);
  ReleaseIfEmpty(cipher_in_);
  return result;
}

IoResult TlsTransportSocket::DoWrite(Buffer& buffer, bool end_stream) {
  IoResult result;
  if (failed_) return result;
  if (!handshake_done_) {
    FlushCiphertext(result);
    FinishResult(result);
    return result;
  }
  while (true) {
    if (!FlushCiphertext(result)) return result;
    if (buffer.empty() || cipher_out_->size() >= kMaxPendingCiphertext) break;
    size_t n = std::min(buffer.size(), kWriteChunk);
    int rc = SSL_write(ssl_.get(), buffer.data(), static_cast<int>(n));
    if (rc <= 0) {
      Fail(result, CloseReason::kTlsError, absl::StrCat(kReasonTlsError, ": ", DrainSslErrors()));
      return result;
    }
    buffer.Drain(static_cast<size_t>(rc));
    result.bytes += rc;
  }
  if (end_stream && buffer.empty() && !close_notify_queued_) {
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
    close_notify_queued_ = true;
    if (!FlushCiphertext(result)) return result;
  }
  FinishResult(result);
  return result;
}

void TlsTransportSocket::OnFdClosing(bool graceful) {
  if (graceful && handshake_done_ && !close_notify_queued_ && !failed_ && fd_ >= 0) {
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
    close_notify_queued_ = true;
    cipher_out_->WriteTo(fd_);  // one try; the fd closes next
  }
  fd_ = -1;
}

}  // namespace weft::tls
