#ifndef WEFT_PROXY_NETWORK_SOCKET_H_
#define WEFT_PROXY_NETWORK_SOCKET_H_

// Thin, errno-to-Status wrappers over the socket calls the proxy makes.

#include "absl/status/statusor.h"
#include "proxy/network/address.h"

namespace weft::network {

// A non-blocking listening socket bound to `address`, with SO_REUSEPORT so that
// every worker can own one and the kernel spreads connections between them.
// Accepted sockets come with TCP_NODELAY (inherited from the listener).
absl::StatusOr<int> Listen(const Address& address, int backlog = 1024);

// Starts a non-blocking connect. The socket becomes writable when the connect
// finishes; ConnectResult() then tells how it ended.
absl::StatusOr<int> ConnectNonBlocking(const Address& address);
// The outcome of a finished non-blocking connect (SO_ERROR).
absl::Status ConnectResult(int fd);

// The destination the client originally asked for, before iptables redirected
// the connection to us (SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST).
absl::StatusOr<Address> OriginalDestination(int fd);

Address LocalAddress(int fd);
Address PeerAddress(int fd);

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_SOCKET_H_
