#ifndef WEFT_PROXY_NETWORK_CONNECTION_H_
#define WEFT_PROXY_NETWORK_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/event/dispatcher.h"
#include "proxy/network/buffer.h"
#include "proxy/network/raw_transport_socket.h"
#include "proxy/network/transport_socket.h"

namespace weft::network {

class Connection;

// Events of one Connection. All are called on the connection's dispatcher thread.
// After OnClose nothing else is called; the owner then destroys the connection
// (with Dispatcher::DeferDelete when inside a callback).
class ConnectionCallbacks {
 public:
  virtual ~ConnectionCallbacks() = default;
  // An outgoing connection is ready for data: after the TCP connect for plaintext,
  // after the handshake for TLS. Accepted TLS connections get it too, once their
  // handshake completes (peer_info() is then filled in); accepted plaintext
  // connections do not.
  virtual void OnConnected(Connection& connection) {}
  // New bytes arrived (appended to `data`, which keeps whatever the callee does
  // not drain). `end_stream` is set once when the peer has half-closed.
  virtual void OnData(Connection& connection, Buffer& data, bool end_stream) = 0;
  virtual void OnClose(Connection& connection, CloseReason reason) = 0;
  // Backpressure: the write buffer went above the limit / back below half of it.
  virtual void OnWriteBufferHigh(Connection& connection) {}
  virtual void OnWriteBufferLow(Connection& connection) {}
};

// A non-blocking TCP connection driven by a Dispatcher: read and write buffers,
// half-close, and watermarks so that a slow peer slows its counterpart instead of
// growing memory. Owns the file descriptor and its TransportSocket (plaintext
// by default, TLS when one is given). Bytes written before a TLS handshake has
// finished wait in the write buffer and go out right after it.
// Thread-compatible: use on the owning dispatcher's thread only.
class Connection {
 public:
  // `connecting`: the fd has a non-blocking connect() in flight. Plaintext.
  Connection(event::Dispatcher& dispatcher, int fd, bool connecting, uint32_t buffer_limit);
  // The same over `transport` (e.g. a tls::TlsTransportSocket); null means plaintext.
  Connection(event::Dispatcher& dispatcher, int fd, bool connecting, uint32_t buffer_limit,
             std::unique_ptr<TransportSocket> transport);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void SetCallbacks(ConnectionCallbacks* callbacks) { callbacks_ = callbacks; }
  // Hands an accepted plaintext connection to `transport` (e.g. a TLS server
  // once a ClientHello was detected): what was read so far goes to the
  // transport, which then runs its handshake; OnConnected follows when it is
  // done. Only before anything was written.
  void UpgradeTransport(std::unique_ptr<TransportSocket> transport);

  // Queues bytes and writes as much as the socket takes right away.
  void Write(absl::string_view bytes);
  void Write(Buffer& bytes);  // moves the content out of `bytes`
  // Sends FIN once everything queued has been written (half-close).
  void ShutdownWrite();
  // kFlush writes what is queued first, then closes and calls OnClose(kLocal)
  // (or OnClose(kRemoteReset) if the write fails); with nothing queued it closes
  // at once without a callback. kNoFlush and kReset close at once (kReset with a
  // RST) and call nothing. Hand a flushing connection to a ClosingConnections so
  // that it outlives its session.
  enum class CloseMode { kFlush, kNoFlush, kReset };
  void Close(CloseMode mode);

  // Stops or resumes reading from the socket (backpressure towards this peer).
  // Calls nest: reading resumes when every disable has been undone.
  void ReadDisable(bool disable);
  bool read_disabled() const { return read_disable_count_ > 0; }

  // True until the TCP connect has finished (not the TLS handshake: see
  // handshake_complete()).
  bool connecting() const { return connecting_; }
  bool handshake_complete() const { return transport_ready_; }
  // What the transport learned about the peer (ALPN, SPIFFE identity); defaults
  // for plaintext.
  const PeerInfo& peer_info() const { return transport_->peer_info(); }
  // Why the connection closed, beyond the CloseReason: for kTlsHandshakeFailed
  // "<reason>: <explanation>", e.g. "mtls_wrong_identity: ...". Empty otherwise.
  const std::string& close_detail() const { return close_detail_; }
  bool closed() const { return state_ == State::kClosed; }
  bool closing() const { return state_ == State::kClosing; }
  bool write_shutdown() const { return write_shutdown_requested_; }
  bool read_eof() const { return read_eof_; }
  size_t write_buffer_size() const { return write_buffer_.size(); }
  Buffer& read_buffer() { return read_buffer_; }
  int fd() const { return fd_; }
  event::Dispatcher& dispatcher() { return dispatcher_; }
  uint64_t bytes_received() const { return bytes_received_; }
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  enum class State { kOpen, kClosing, kClosed };
  void OnReady(uint32_t ready);
  void DoRead();
  void DoWrite();
  void UpdateEvents();
  void CloseSocket(CloseReason reason, bool notify, bool graceful = false);
  // Records the transport's state (read_pending only from reads); false if the
  // result closed the connection. Inline: it runs after every syscall batch.
  bool ApplyIoResult(const IoResult& result, bool from_read) {
    if (result.close) {
      CloseFromTransport(result.close_reason);
      return false;
    }
    transport_wants_write_ = result.wants_write;
    if (from_read) transport_read_pending_ = result.read_pending;
    return true;
  }
  void CloseFromTransport(CloseReason reason);
  void FireConnected();
  void MaybeScheduleRead() {
    if (transport_read_pending_) ScheduleRead();
  }
  void ScheduleRead();
  // The transport's DoRead/DoWrite; plaintext is called directly (inlined).
  IoResult TransportRead() {
    return owned_transport_ == nullptr ? raw_transport_.DoRead(read_buffer_, buffer_limit_)
                                       : owned_transport_->DoRead(read_buffer_, buffer_limit_);
  }
  IoResult TransportWrite() {
    return owned_transport_ == nullptr
               ? raw_transport_.DoWrite(write_buffer_, write_shutdown_requested_)
               : owned_transport_->DoWrite(write_buffer_, write_shutdown_requested_);
  }
  void CheckWatermarks();
  std::weak_ptr<bool> alive_token() const { return alive_; }

  event::Dispatcher& dispatcher_;
  int fd_;
  // Plaintext connections use the embedded socket, so they allocate nothing extra.
  RawTransportSocket raw_transport_;
  std::unique_ptr<TransportSocket> owned_transport_;
  TransportSocket* transport_;
  ConnectionCallbacks* callbacks_ = nullptr;
  std::unique_ptr<event::FileEvent> file_event_;
  Buffer read_buffer_;
  Buffer write_buffer_;
  const uint32_t buffer_limit_;
  State state_ = State::kOpen;
  bool connecting_;
  bool read_eof_ = false;
  bool write_shutdown_requested_ = false;
  // The transport is ready for application data (TCP connected and, for TLS,
  // handshake done).
  bool transport_ready_ = false;
  bool transport_wants_write_ = false;
  bool transport_read_pending_ = false;
  bool read_posted_ = false;
  std::string close_detail_;
  bool above_high_watermark_ = false;
  int read_disable_count_ = 0;
  uint32_t enabled_events_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  // Lets posted callbacks notice that the connection is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_CONNECTION_H_
