#ifndef WEFT_PROXY_NETWORK_TRANSPORT_SOCKET_H_
#define WEFT_PROXY_NETWORK_TRANSPORT_SOCKET_H_

// How bytes move between a Connection's file descriptor and its buffers. The
// raw implementation reads and writes the fd as is; TLS (proxy/tls/) encrypts,
// runs a handshake first and learns who the peer is.
//
//   auto socket = tls::TlsTransportSocket::CreateClient(provider.Get(), options);
//   Connection conn(dispatcher, fd, /*connecting=*/true, limit, *std::move(socket));
//   ... OnConnected fires once the handshake is done;
//   conn.peer_info().peer_identity  // the server's verified SPIFFE ID
//
// Every call is one batch of I/O, not one syscall: DoRead reads until the fd is
// drained or `max_buffered` is reached, DoWrite writes until the buffer is empty
// or the fd is full. So the Connection makes one virtual call per readiness
// event, and the raw path costs what it did before this interface existed.
//
// Ownership and threading: a Connection owns its TransportSocket and the fd;
// the socket borrows the fd from Init() until OnFdClosing(). All calls come from
// the connection's dispatcher thread. Implementations never block and never
// call back into the Connection: everything they have to say is in IoResult.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "certs/spiffe_id.h"
#include "proxy/network/buffer.h"

namespace weft::network {

enum class CloseReason {
  kLocal,               // we called Close()
  kRemoteReset,         // the peer reset (or the socket failed)
  kConnectFailed,       // an outgoing connect did not succeed
  kTlsHandshakeFailed,  // the TLS handshake failed; Connection::close_detail() says why
  kTlsError,            // a TLS error after the handshake (bad record, truncation)
};

// What the transport learned about the peer. Plain value; for raw sockets all
// fields keep their defaults.
struct PeerInfo {
  bool tls = false;
  // Negotiated ALPN protocol ("h2", "http/1.1", ...), empty when none.
  std::string alpn;
  // The peer's verified SPIFFE identity (TLS with a peer certificate only).
  std::optional<certs::SpiffeId> peer_identity;
  bool session_reused = false;
  std::string tls_version;  // e.g. "TLSv1.3"
  std::string cipher;       // e.g. "TLS_AES_128_GCM_SHA256"
};

// Result of one DoRead / DoWrite / OnTcpConnected call.
struct IoResult {
  // Bytes appended to (read) or drained from (write) the connection's buffer.
  uint64_t bytes = 0;
  // Read: the peer finished sending (FIN, or close_notify for TLS).
  bool end_stream = false;
  // The handshake completed during this call (TLS only; raw never sets it).
  bool connected = false;
  // The connection must close; `close_reason` says why, and the transport's
  // close_detail() explains it.
  bool close = false;
  CloseReason close_reason = CloseReason::kRemoteReset;
  // State after the call, so that the Connection can choose its events without
  // asking again: the transport has bytes of its own to write (handshake
  // messages, ciphertext the fd did not take yet)...
  bool wants_write = false;
  // ...or has read bytes it could still decode into the read buffer although
  // the fd may have nothing new (it stopped at `max_buffered`).
  bool read_pending = false;
};

class TransportSocket {
 public:
  virtual ~TransportSocket() = default;

  // Called once, before anything else, with the connection's fd.
  virtual void Init(int fd) = 0;

  // The TCP connect finished (client) or the socket was accepted (server).
  // TLS clients send their ClientHello here.
  virtual IoResult OnTcpConnected() = 0;

  // Reads what is available into `buffer`, stopping once it holds `max_buffered`
  // bytes. Before the handshake completes this drives the handshake and never
  // appends to `buffer`.
  virtual IoResult DoRead(Buffer& buffer, size_t max_buffered) = 0;

  // Writes from the front of `buffer` (draining what was taken) as far as the
  // fd accepts. With `end_stream`, once `buffer` is empty and everything is on
  // the wire, sends the end of stream (close_notify for TLS, then FIN) once.
  // Buffering inside the transport is bounded: a TLS socket encrypts only what
  // it can hand to the fd soon, so backpressure stays in `buffer`.
  virtual IoResult DoWrite(Buffer& buffer, bool end_stream) = 0;

  // The connection is closing; the fd is closed right after this returns.
  // `graceful`: send what a clean close needs (TLS close_notify), best effort
  // and without blocking.
  virtual void OnFdClosing(bool graceful) = 0;

  // False while a handshake is in progress.
  virtual bool handshake_complete() const = 0;

  virtual const PeerInfo& peer_info() const = 0;

  // Bytes the connection read before this transport took over (an accepted
  // connection's first flight, read while its protocol was being detected):
  // the transport consumes them as if it had read them itself and leaves
  // `bytes` empty. Only transports that can take over a connection support it.
  virtual void AdoptReceived(Buffer& bytes) { bytes.Clear(); }
  // After a result with `close`: "<reason>: <explanation>" (e.g.
  // "mtls_wrong_identity: ..."), or empty when the CloseReason says it all.
  // Kept out of IoResult so that the data path never builds a string.
  virtual std::string close_detail() const { return std::string(); }
};

// Makes the transports of new outgoing connections (e.g. mTLS towards the
// sidecars of one cluster). Shared by a cluster's pools; thread-compatible like
// them (one per worker).
class TransportSocketFactory {
 public:
  virtual ~TransportSocketFactory() = default;
  // A transport offering `alpn` ("h2", "http/1.1", "weft-opaque"); sessions for
  // resumption are kept under `session_key` (e.g. the endpoint's address).
  // kUnavailable when it cannot be made now (no certificate yet).
  virtual absl::StatusOr<std::unique_ptr<TransportSocket>> Create(
      absl::string_view alpn, const std::string& session_key) const = 0;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_TRANSPORT_SOCKET_H_
