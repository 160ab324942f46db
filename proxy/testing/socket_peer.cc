#include "proxy/testing/socket_peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace weft::testing {

SocketPeer::~SocketPeer() { Close(); }

SocketPeer& SocketPeer::operator=(SocketPeer&& other) noexcept {
  Close();
  fd_ = other.fd_;
  other.fd_ = -1;
  return *this;
}

void SocketPeer::Write(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += n;
  }
}

std::string SocketPeer::ReadAvailable() {
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      out.append(buf, n);
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) eof_ = true;
    break;
  }
  return out;
}

bool SocketPeer::PeerClosed() {
  ReadAvailable();
  return eof_;
}

void SocketPeer::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void SocketPeer::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

LoopbackListener::LoopbackListener() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd_, 64) != 0) {
    std::abort();
  }
  socklen_t len = sizeof(a);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

LoopbackListener::~LoopbackListener() { Close(); }

SocketPeer LoopbackListener::Accept() {
  int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK);
  if (fd >= 0) {
    // Like the proxy's own sockets: without this, Nagle holds a second small
    // write back until the first is acknowledged, which a test that never
    // waits takes for a proxy that does not forward.
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return SocketPeer(fd);
}

void LoopbackListener::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int UnusedLoopbackPort() {
  LoopbackListener l;
  int port = l.port();
  l.Close();
  return port;
}

}  // namespace weft::testing
