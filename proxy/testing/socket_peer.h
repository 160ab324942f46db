#ifndef WEFT_PROXY_TESTING_SOCKET_PEER_H_
#define WEFT_PROXY_TESTING_SOCKET_PEER_H_

#include <string>

namespace weft::testing {

// The test's end of a real socket: non-blocking reads of whatever has arrived,
// so tests never wait. Owns the descriptor.
class SocketPeer {
 public:
  explicit SocketPeer(int fd = -1) : fd_(fd) {}
  ~SocketPeer();
  SocketPeer(SocketPeer&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SocketPeer& operator=(SocketPeer&& other) noexcept;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void Write(const std::string& bytes);
  // Everything readable right now.
  std::string ReadAvailable();
  // True once the other side closed (EOF or reset seen).
  bool PeerClosed();
  void ShutdownWrite();
  void Close();

 private:
  int fd_;
  bool eof_ = false;
};

// A listening TCP socket on 127.0.0.1 with an ephemeral port, accepted from by hand.
class LoopbackListener {
 public:
  LoopbackListener();
  ~LoopbackListener();
  int port() const { return port_; }
  // A connection if one is waiting, else an invalid peer.
  SocketPeer Accept();
  void Close();

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A 127.0.0.1 port with nothing listening (bound, then closed).
int UnusedLoopbackPort();

}  // namespace weft::testing

#endif  // WEFT_PROXY_TESTING_SOCKET_PEER_H_
