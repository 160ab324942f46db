#include "proxy/network/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace weft::network {
namespace {

absl::Status Errno(absl::string_view what, int err) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(err)));
}

}  // namespace

absl::StatusOr<int> Listen(const Address& address, int backlog) {
  int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (address.family() == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  // Accepted sockets inherit it: no setsockopt per connection.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (bind(fd, address.sockaddr_ptr(), address.length()) != 0) {
    int err = errno;
    close(fd);
    return Errno(absl::StrCat("bind ", address.ToString()), err);
  }
  if (listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    return Errno(absl::StrCat("listen ", address.ToString()), err);
  }
  return fd;
}

absl::StatusOr<int> ConnectNonBlocking(const Address& address) {
  int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, address.sockaddr_ptr(), address.length()) != 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return Errno(absl::StrCat("connect ", address.ToString()), err);
  }
  return fd;
}

absl::Status ConnectResult(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return Errno("connect", err);
  return absl::OkStatus();
}

absl::StatusOr<Address> OriginalDestination(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  Address local = LocalAddress(fd);
  int rc;
  if (local.family() == AF_INET6) {
    rc = getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &ss, &len);
  } else {
    rc = getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &ss, &len);
  }
  if (rc != 0) return Errno("SO_ORIGINAL_DST", errno);
  return Address::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

Address LocalAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Address();
  return Address::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

Address PeerAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Address();
  return Address::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

}  // namespace weft::network
