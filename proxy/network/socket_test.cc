#include "proxy/network/socket.h"

#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace weft::network {
namespace {

int NoDelayOf(int fd) {
  int value = -1;
  socklen_t len = sizeof(value);
  EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len), 0);
  return value;
}

// Both ends the proxy makes send small writes at once: connected sockets set
// TCP_NODELAY themselves, accepted ones inherit it from the listening socket.
TEST(SocketTest, AcceptedAndConnectedSocketsHaveNoDelay) {
  absl::StatusOr<Address> any = Address::FromIpPort("127.0.0.1", 0);
  ASSERT_TRUE(any.ok());
  absl::StatusOr<int> listener = Listen(*any);
  ASSERT_TRUE(listener.ok()) << listener.status();
  const Address bound = LocalAddress(*listener);
  ASSERT_NE(bound.port(), 0);

  absl::StatusOr<int> client = ConnectNonBlocking(bound);
  ASSERT_TRUE(client.ok()) << client.status();
  pollfd ready{*listener, POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, /*timeout_ms=*/10000), 1);
  const int accepted = accept4(*listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  EXPECT_EQ(NoDelayOf(*client), 1);
  EXPECT_EQ(NoDelayOf(accepted), 1);
  EXPECT_EQ(LocalAddress(accepted).port(), bound.port());
  close(accepted);
  close(*client);
  close(*listener);
}

}  // namespace
}  // namespace weft::network
