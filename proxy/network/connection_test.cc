#include "proxy/network/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"

namespace weft::network {
namespace {

class Recorder : public ConnectionCallbacks {
 public:
  void OnData(Connection&, Buffer& data, bool end_stream) override {
    received += std::string(data.view());
    data.Drain(data.size());
    if (end_stream) eof = true;
  }
  void OnClose(Connection&, CloseReason reason) override {
    closed = true;
    close_reason = reason;
  }
  void OnWriteBufferHigh(Connection&) override { ++high; }
  void OnWriteBufferLow(Connection&) override { ++low; }
  std::string received;
  bool eof = false;
  bool closed = false;
  CloseReason close_reason = CloseReason::kLocal;
  int high = 0;
  int low = 0;
};

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
  }
  void TearDown() override {
    if (fds_[1] >= 0) close(fds_[1]);
  }
  std::string ReadPeer() {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = read(fds_[1], buf, sizeof(buf))) > 0) out.append(buf, n);
    return out;
  }
  testing::FakeDispatcher dispatcher_;
  int fds_[2];
};

TEST_F(ConnectionTest, DeliversDataAndHalfCloseFromPeer) {
  Recorder rec;
  Connection conn(dispatcher_, fds_[0], false, 1 << 20);
  conn.SetCallbacks(&rec);
  ASSERT_EQ(write(fds_[1], "ping", 4), 4);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(rec.received, "ping");
  EXPECT_FALSE(rec.eof);
  shutdown(fds_[1], SHUT_WR);
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(rec.eof);
  EXPECT_FALSE(rec.closed);
  // The other direction still works after the peer's half-close.
  conn.Write("pong");
  EXPECT_EQ(ReadPeer(), "pong");
}

TEST_F(ConnectionTest, ShutdownWriteSendsFinAfterQueuedBytes) {
  Recorder rec;
  Connection conn(dispatcher_, fds_[0], false, 1 << 20);
  conn.SetCallbacks(&rec);
  conn.Write("last words");
  conn.ShutdownWrite();
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(ReadPeer(), "last words");
  char c;
  EXPECT_EQ(read(fds_[1], &c, 1), 0);  // FIN
}

TEST_F(ConnectionTest, WatermarksFireWhenPeerDoesNotRead) {
  Recorder rec;
  int small = 4096;
  setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  Connection conn(dispatcher_, fds_[0], false, 64 * 1024);
  conn.SetCallbacks(&rec);
  std::string chunk(16 * 1024, 'x');
  for (int i = 0; i < 40 && rec.high == 0; ++i) conn.Write(chunk);
  EXPECT_EQ(rec.high, 1);
  EXPECT_GT(conn.write_buffer_size(), 64u * 1024);
  size_t total = 0;
  std::string got;
  for (int i = 0; i < 1000 && conn.write_buffer_size() > 0; ++i) {
    got = ReadPeer();
    total += got.size();
    dispatcher_.RunUntilIdle();
  }
  total += ReadPeer().size();
  EXPECT_EQ(rec.low, 1);
  EXPECT_EQ(conn.write_buffer_size(), 0u);
  EXPECT_GT(total, 64u * 1024);
}

TEST_F(ConnectionTest, PeerResetReportsClose) {
  Recorder rec;
  Connection conn(dispatcher_, fds_[0], false, 1 << 20);
  conn.SetCallbacks(&rec);
  close(fds_[1]);
  fds_[1] = -1;
  conn.Write("into the void");
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(rec.eof || rec.closed);
}

TEST_F(ConnectionTest, ReadDisableHoldsBackDataUntilReenabled) {
  Recorder rec;
  Connection conn(dispatcher_, fds_[0], false, 1 << 20);
  conn.SetCallbacks(&rec);
  conn.ReadDisable(true);
  ASSERT_EQ(write(fds_[1], "held", 4), 4);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(rec.received, "");
  conn.ReadDisable(false);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(rec.received, "held");
}

// A transport that fails its "handshake" on the first read: the connection must
// close with the transport's reason and detail, and never deliver data.
class RefusingTransport : public TransportSocket {
 public:
  void Init(int fd) override {}
  IoResult OnTcpConnected() override { return IoResult(); }  // handshake pending
  IoResult DoRead(Buffer&, size_t) override {
    IoResult r;
    r.close = true;
    r.close_reason = CloseReason::kTlsHandshakeFailed;
    return r;
  }
  std::string close_detail() const override { return "mtls_wrong_identity: test"; }
  IoResult DoWrite(Buffer&, bool) override { return IoResult(); }
  void OnFdClosing(bool graceful) override { ++closing; }
  bool handshake_complete() const override { return false; }
  const PeerInfo& peer_info() const override { return info; }
  PeerInfo info;
  int closing = 0;
};

TEST_F(ConnectionTest, TransportFailureClosesWithReasonAndDetail) {
  Recorder rec;
  auto transport = std::make_unique<RefusingTransport>();
  RefusingTransport* t = transport.get();
  Connection conn(dispatcher_, fds_[0], false, 1 << 20, std::move(transport));
  conn.SetCallbacks(&rec);
  conn.Write("queued until the handshake");  // must never reach the peer
  EXPECT_FALSE(conn.handshake_complete());
  ASSERT_EQ(write(fds_[1], "hello", 5), 5);
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(rec.closed);
  EXPECT_EQ(rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(conn.close_detail(), "mtls_wrong_identity: test");
  EXPECT_EQ(rec.received, "");
  EXPECT_EQ(t->closing, 1);
  EXPECT_EQ(ReadPeer(), "");
}

TEST_F(ConnectionTest, PlaintextConnectionIsReadyAtOnceAndHasNoPeerInfo) {
  Connection conn(dispatcher_, fds_[0], false, 1 << 20);
  EXPECT_TRUE(conn.handshake_complete());
  EXPECT_FALSE(conn.peer_info().tls);
  EXPECT_FALSE(conn.peer_info().peer_identity.has_value());
  EXPECT_TRUE(conn.close_detail().empty());
}

}  // namespace
}  // namespace weft::network
