#include "proxy/network/raw_transport_socket.h"

namespace weft::network {

IoResult RawTransportSocket::OnTcpConnected() {
  IoResult result;
  result.connected = true;
  return result;
}

const PeerInfo& RawTransportSocket::peer_info() const {
  static const PeerInfo* const kPlaintext = new PeerInfo();
  return *kPlaintext;
}

}  // namespace weft::network
