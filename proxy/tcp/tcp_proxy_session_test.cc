#include "proxy/tcp/tcp_proxy_session.h"

#include <sys/socket.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/socket_peer.h"

namespace weft::tcp {
namespace {

using ::weft::testing::SocketPeer;

class TcpProxySessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::Cluster backend;
    backend.name = "backend";
    backend.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(upstream_.port()), 1});
    config::Cluster dead;
    dead.name = "dead";
    dead.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(testing::UnusedLoopbackPort()), 1});
    config_.clusters = {backend, dead};
    config::Listener l;
    l.name = "tcp";
    l.protocol = config::Listener::Protocol::kTcp;
    l.default_cluster = "backend";
    l.idle_timeout = absl::Seconds(30);
    l.buffer_limit_bytes = 64 * 1024;
    config::Listener to_dead = l;
    to_dead.name = "dead";
    to_dead.default_cluster = "dead";
    config_.listeners = {l, to_dead};
    host_ = std::make_unique<testing::FakeSessionHost>(dispatcher_, config_);
    stats_ = std::make_unique<listener::ListenerStats>(host_->scope(), "tcp");
  }
  void TearDown() override { host_.reset(); }

  SocketPeer Start(const config::Listener& l) {
    context_ = std::make_shared<listener::ListenerContext>(
        l, *stats_, std::make_shared<const listener::FilterChainTable>(l, config_), *host_);
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    stats_->cx_active.Add(1);
    TcpProxySession::Start(context_, listener::ConnectionInfo{},
                           std::make_unique<network::Connection>(dispatcher_, fds[0], false,
                                                                 l.buffer_limit_bytes));
    return SocketPeer(fds[1]);
  }

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener upstream_;
  config::ProxyConfig config_;
  std::unique_ptr<testing::FakeSessionHost> host_;
  std::unique_ptr<listener::ListenerStats> stats_;
  listener::ListenerContextPtr context_;
};

TEST_F(TcpProxySessionTest, BytesFlowBothWaysAndHalfClosePropagates) {
  SocketPeer client = Start(config_.listeners[0]);
  client.Write("client speaks first");
  dispatcher_.RunUntilIdle();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  EXPECT_EQ(up.ReadAvailable(), "client speaks first");
  up.Write("server answers");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), "server answers");
  // The client is done sending; the server can still talk.
  client.ShutdownWrite();
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(up.PeerClosed());
  up.Write("still here");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), "still here");
  up.ShutdownWrite();
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_EQ(host_->session_count(), 0u);
  EXPECT_EQ(stats_->tcp_cx_total.value(), 1u);
}

TEST_F(TcpProxySessionTest, ServerFirstProtocolWorks) {
  SocketPeer client = Start(config_.listeners[0]);
  dispatcher_.RunUntilIdle();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.Write("220 banner\r\n");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), "220 banner\r\n");
}

TEST_F(TcpProxySessionTest, SlowReaderPausesTheWriterInsteadOfBuffering) {
  SocketPeer client = Start(config_.listeners[0]);
  dispatcher_.RunUntilIdle();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  // The upstream sends far more than the client reads; the proxy holds at most
  // about its buffer limit per direction (plus kernel socket buffers).
  const std::string chunk(64 * 1024, 'x');
  size_t sent = 0;
  for (int i = 0; i < 400; ++i) {
    ssize_t n = send(up.fd(), chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) sent += n;
    dispatcher_.RunUntilIdle();
  }
  // Far less than was offered made it into the proxy: the upstream was throttled.
  EXPECT_LT(sent, 400u * chunk.size());
  size_t received = 0;
  for (int i = 0; i < 2000 && received < sent; ++i) {
    received += client.ReadAvailable().size();
    dispatcher_.RunUntilIdle();
  }
  EXPECT_EQ(received, sent);  // nothing lost once the client reads
}

TEST_F(TcpProxySessionTest, IdleTimeoutClosesBothSides) {
  SocketPeer client = Start(config_.listeners[0]);
  dispatcher_.RunUntilIdle();
  SocketPeer up = upstream_.Accept();
  dispatcher_.AdvanceTime(absl::Seconds(20));
  client.Write("activity");
  dispatcher_.RunUntilIdle();
  dispatcher_.AdvanceTime(absl::Seconds(20));  // 40 s since start, 20 s since traffic
  EXPECT_FALSE(client.PeerClosed());
  dispatcher_.AdvanceTime(absl::Seconds(45));
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_TRUE(up.PeerClosed());
  EXPECT_EQ(host_->counter("proxy.errors.idle_timeout"), 1u);
}

TEST_F(TcpProxySessionTest, ConnectFailureClosesClient) {
  SocketPeer client = Start(config_.listeners[1]);
  client.Write("hello?");
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_EQ(host_->counter("proxy.errors.connect_failed"), 1u);
  EXPECT_EQ(host_->session_count(), 0u);
}

}  // namespace
}  // namespace weft::tcp
