#include "proxy/network/raw_transport_socket.h"

#include <errno.h>
#include <sys/socket.h>

namespace weft::network {

IoResult RawTransportSocket::OnTcpConnected() {
  IoResult result;
  result.connected = true;
  return result;
}

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

const PeerInfo& RawTransportSocket::peer_info() const {
  static const PeerInfo* const kPlaintext = new PeerInfo();
  return *kPlaintext;
}

}  // namespace weft::network
