#ifndef WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_
#define WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_

// Plaintext TCP: read(2)/write(2) straight between the fd and the connection's
// buffers. A Connection without a TLS socket embeds one of these (no
// allocation); each DoRead/DoWrite loops over syscalls exactly as Connection did
// before transports existed.
// Thread-compatible: used on the owning connection's dispatcher thread.

#include <errno.h>
#include <sys/socket.h>

#include "proxy/network/transport_socket.h"

namespace weft::network {

class RawTransportSocket final : public TransportSocket {
 public:
  // Largest single read(2); a short read means the socket is drained.
  static constexpr size_t kReadChunk = 64 * 1024;

  void Init(int fd) override { fd_ = fd; }
  IoResult OnTcpConnected() override;
  inline IoResult DoRead(Buffer& buffer, size_t max_buffered) override;
  inline IoResult DoWrite(Buffer& buffer, bool end_stream) override;
  void OnFdClosing(bool graceful) override { fd_ = -1; }
  bool handshake_complete() const override { return true; }
  const PeerInfo& peer_info() const override;

 private:
  int fd_ = -1;
  bool shutdown_sent_ = false;
};

IoResult RawTransportSocket::DoRead(Buffer& buffer, size_t max_buffered) {
  IoResult result;
  // Read what is there now, but stop at the limit so that a fast sender cannot
  // grow our memory when the other side is slow.
  while (buffer.size() < max_buffered) {
    ssize_t n = buffer.ReadFrom(fd_, kReadChunk);
    if (n > 0) {
      result.bytes += n;
      if (static_cast<size_t>(n) < kReadChunk) break;  // drained the socket
      continue;
    }
    if (n == 0) {
      result.end_stream = true;
      break;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno == EINTR) continue;
    result.close = true;
    result.close_reason = CloseReason::kRemoteReset;
    break;
  }
  return result;
}

IoResult RawTransportSocket::DoWrite(Buffer& buffer, bool end_stream) {
  IoResult result;
  while (!buffer.empty()) {
    ssize_t n = buffer.WriteTo(fd_);
    if (n > 0) {
      result.bytes += n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    result.close = true;
    result.close_reason = CloseReason::kRemoteReset;
    return result;
  }
  if (end_stream && buffer.empty() && !shutdown_sent_) {
    ::shutdown(fd_, SHUT_WR);
    shutdown_sent_ = true;
  }
  return result;
}

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_
