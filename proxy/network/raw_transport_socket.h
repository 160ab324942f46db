#ifndef WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_
#define WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_

// Plaintext TCP: read(2)/write(2) straight between the fd and the connection's
// buffers. A Connection without a TLS socket embeds one of these (no
// allocation); each DoRead/DoWrite loops over syscalls exactly as Connection did
// before transports existed.
// Thread-compatible: used on the owning connection's dispatcher thread.

#include "proxy/network/transport_socket.h"

namespace weft::network {

class RawTransportSocket final : public TransportSocket {
 public:
  // Largest single read(2); a short read means the socket is drained.
  static constexpr size_t kReadChunk = 64 * 1024;

  void Init(int fd) override { fd_ = fd; }
  IoResult OnTcpConnected() override;
  IoResult DoRead(Buffer& buffer, size_t max_buffered) override;
  IoResult DoWrite(Buffer& buffer, bool end_stream) override;
  void OnFdClosing(bool graceful) override { fd_ = -1; }
  bool handshake_complete() const override { return true; }
  const PeerInfo& peer_info() const override;

 private:
  int fd_ = -1;
  bool shutdown_sent_ = false;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_RAW_TRANSPORT_SOCKET_H_
