#include "proxy/http/connection_manager.h"

#include <sys/socket.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "proxy/http/router.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/listener_test_bed.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {
namespace {

using ::weft::testing::SocketPeer;

constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

class ConnectionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::Cluster backend;
    backend.name = "backend";
    backend.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(upstream_.port()), 1});
    config::Cluster refused;
    refused.name = "refused";
    refused.endpoints.push_back(
        {"127.0.0.1", static_cast<uint16_t>(testing::UnusedLoopbackPort()), 1});
    config_.clusters = {backend, refused};
    config::RouteConfig rc;
    rc.name = "routes";
    config::VirtualHost vh;
    vh.name = "all";
    vh.domains = {"*"};
    config::Route slow;
    slow.match.path_prefix = "/slow";
    slow.cluster = "backend";
    slow.timeout = absl::Seconds(2);
    config::Route down;
    down.match.path_prefix = "/down";
    down.cluster = "refused";
    config::Route rest;
    rest.match.path_prefix = "/";
    rest.cluster = "backend";
    vh.routes = {slow, down, rest};
    config::VirtualHost none;
    none.name = "none";
    none.domains = {"unrouted.example"};
    rc.virtual_hosts = {vh, none};
    config_.route_configs = {rc};
    config::Listener l;
    l.name = "test";
    l.protocol = config::Listener::Protocol::kHttp;
    l.route_config = "routes";
    l.max_request_headers_bytes = 1024;
    l.idle_timeout = absl::Seconds(60);
    config_.listeners = {l};

    bed_ = std::make_unique<testing::ListenerTestBed>(
        std::make_unique<testing::FakeSessionHost>(dispatcher_, config_), config_);
  }

  SocketPeer StartSession() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    bed_->stats().cx_active.Add(1);  // as the listener does
    HttpConnectionManager::Start(bed_->context(), listener::ConnectionInfo{},
                        std::make_unique<network::Connection>(dispatcher_, fds[0], false, 1 << 20),
        upstream::HttpVersion::kHttp1);
    return SocketPeer(fds[1]);
  }

  // Runs the proxy until idle and returns the upstream connection it opened.
  SocketPeer AcceptUpstream() {
    dispatcher_.RunUntilIdle();
    return upstream_.Accept();
  }

  std::string Exchange(SocketPeer& client, SocketPeer& up, const std::string& request,
                       const std::string& response, std::string* seen_by_upstream = nullptr) {
    client.Write(request);
    dispatcher_.RunUntilIdle();
    if (!up.valid()) up = upstream_.Accept();
    std::string got = up.ReadAvailable();
    if (seen_by_upstream != nullptr) *seen_by_upstream = got;
    up.Write(response);
    dispatcher_.RunUntilIdle();
    return client.ReadAvailable();
  }

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener upstream_;
  config::ProxyConfig config_;
  std::unique_ptr<testing::ListenerTestBed> bed_;
};

TEST_F(ConnectionManagerTest, ProxiesRequestAndStripsHopByHopFields) {
  SocketPeer client = StartSession();
  SocketPeer up;
  std::string upstream_saw;
  std::string reply = Exchange(client, up,
                               "GET /a?x=1 HTTP/1.1\r\nHost: svc\r\nConnection: keep-alive, X-Drop\r\n"
                               "X-Drop: 1\r\nX-Keep: 2\r\n\r\n",
                               kOk, &upstream_saw);
  EXPECT_EQ(upstream_saw, "GET /a?x=1 HTTP/1.1\r\nhost: svc\r\nX-Keep: 2\r\n\r\n");
  EXPECT_EQ(reply, kOk);
  EXPECT_EQ(bed_->stats().http_rq_total.value(), 1u);
  EXPECT_EQ(bed_->stats().http_rq_2xx.value(), 1u);
}

TEST_F(ConnectionManagerTest, KeepAliveReusesTheUpstreamConnection) {
  SocketPeer client = StartSession();
  SocketPeer up;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Exchange(client, up, "GET / HTTP/1.1\r\nHost: svc\r\n\r\n", kOk), kOk);
  }
  EXPECT_FALSE(upstream_.Accept().valid());  // no second connection was opened
  EXPECT_EQ(bed_->host().counter("cluster.backend.upstream_cx_total"), 1u);
  EXPECT_EQ(bed_->host().counter("cluster.backend.upstream_rq_total"), 3u);
}

TEST_F(ConnectionManagerTest, PipelinedRequestsAreAnsweredInOrder) {
  SocketPeer client = StartSession();
  client.Write("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  // Only the first request goes out until its response is complete.
  EXPECT_EQ(up.ReadAvailable(), "GET /1 HTTP/1.1\r\nhost: a\r\n\r\n");
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(up.ReadAvailable(), "GET /2 HTTP/1.1\r\nhost: a\r\n\r\n");
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(),
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
}

TEST_F(ConnectionManagerTest, ChunkedBodiesStreamInBothDirections) {
  SocketPeer client = StartSession();
  client.Write("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
  SocketPeer up = AcceptUpstream();
  // The first chunk is forwarded before the body is complete.
  EXPECT_EQ(up.ReadAvailable(),
            "POST /up HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n");
  client.Write("6\r\n world\r\n0\r\n\r\n");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(up.ReadAvailable(), "6\r\n world\r\n0\r\n\r\n");
  up.Write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(),
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n");
  up.Write("0\r\n\r\n");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), "0\r\n\r\n");
}

TEST_F(ConnectionManagerTest, ResponseDelimitedByCloseIsRechunked) {
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  up.ReadAvailable();
  up.Write("HTTP/1.0 200 OK\r\n\r\nuntil close");
  up.Close();
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(),
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nb\r\nuntil close\r\n0\r\n\r\n");
  EXPECT_FALSE(client.PeerClosed());  // the client keeps its connection
}

TEST_F(ConnectionManagerTest, UpstreamResetBeforeResponseIs502WithReason) {
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  up.Close();
  dispatcher_.RunUntilIdle();
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 502 Bad Gateway\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: upstream_reset\r\n")) << reply;
  EXPECT_EQ(bed_->host().counter("proxy.errors.upstream_reset"), 1u);
}

TEST_F(ConnectionManagerTest, RefusedConnectIs503ConnectFailed) {
  SocketPeer client = StartSession();
  client.Write("GET /down HTTP/1.1\r\nHost: a\r\n\r\n");
  dispatcher_.RunUntilIdle();
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 503 Service Unavailable\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: connect_failed\r\n")) << reply;
  EXPECT_EQ(bed_->host().counter("cluster.refused.upstream_cx_connect_fail"), 1u);
  // The client's connection stays usable.
  EXPECT_EQ(Exchange(client, *std::make_unique<SocketPeer>(),
                     "GET / HTTP/1.1\r\nHost: a\r\n\r\n", kOk), kOk);
}

TEST_F(ConnectionManagerTest, RouteTimeoutAnswers504OnSimulatedTime) {
  SocketPeer client = StartSession();
  client.Write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  dispatcher_.AdvanceTime(absl::Milliseconds(1999));
  EXPECT_EQ(client.ReadAvailable(), "");
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 504 Gateway Timeout\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: upstream_timeout")) << reply;
  EXPECT_TRUE(up.PeerClosed());  // the slow upstream connection is not reused
}

TEST_F(ConnectionManagerTest, NoRouteIs404AndConnectionStaysOpen) {
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nHost: unrouted.example\r\n\r\n");
  dispatcher_.RunUntilIdle();
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 404 Not Found\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: no_route")) << reply;
  EXPECT_FALSE(client.PeerClosed());
}

TEST_F(ConnectionManagerTest, MalformedRequestIs400AndCloses) {
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nHost a\r\n\r\n");
  dispatcher_.RunUntilIdle();
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 400 Bad Request\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: bad_request")) << reply;
  EXPECT_TRUE(client.PeerClosed());
}

TEST_F(ConnectionManagerTest, OversizedHeadersAre431) {
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  dispatcher_.RunUntilIdle();
  std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 431 ")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: headers_too_large")) << reply;
}

TEST_F(ConnectionManagerTest, StalePooledConnectionIsRetriedOnAFreshOne) {
  SocketPeer client = StartSession();
  SocketPeer up;
  EXPECT_EQ(Exchange(client, up, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", kOk), kOk);
  // The upstream drops the idle keep-alive connection while the proxy is busy
  // elsewhere, so the proxy reuses a dead connection...
  client.Write("GET /again HTTP/1.1\r\nhost: a\r\n\r\n");
  up.Close();
  dispatcher_.RunUntilIdle();
  // ...and sends the request again on a new one.
  SocketPeer fresh = upstream_.Accept();
  ASSERT_TRUE(fresh.valid());
  EXPECT_EQ(fresh.ReadAvailable(), "GET /again HTTP/1.1\r\nhost: a\r\n\r\n");
  fresh.Write(kOk);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), kOk);
}

TEST_F(ConnectionManagerTest, IdleClientIsClosedAfterIdleTimeout) {
  SocketPeer client = StartSession();
  dispatcher_.AdvanceTime(absl::Seconds(59));
  EXPECT_FALSE(client.PeerClosed());
  dispatcher_.AdvanceTime(absl::Seconds(1));
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_EQ(bed_->host().session_count(), 0u);
}

TEST_F(ConnectionManagerTest, ConnectionCloseRequestClosesAfterResponse) {
  SocketPeer client = StartSession();
  SocketPeer up;
  std::string reply =
      Exchange(client, up, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", kOk);
  EXPECT_EQ(reply, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: close\r\n\r\nok");
  EXPECT_TRUE(client.PeerClosed());
}

TEST_F(ConnectionManagerTest, DrainClosesIdleClientsAndMarksBusyOnesClose) {
  SocketPeer idle = StartSession();
  SocketPeer busy = StartSession();
  busy.Write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  up.ReadAvailable();
  bed_->host().DrainAll();
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(idle.PeerClosed());
  up.Write(kOk);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(busy.ReadAvailable(),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: close\r\n\r\nok");
  EXPECT_TRUE(busy.PeerClosed());
}

TEST_F(ConnectionManagerTest, HeadResponseHasNoBodyAndKeepsConnection) {
  SocketPeer client = StartSession();
  SocketPeer up;
  std::string head_reply =
      Exchange(client, up, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
               "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(head_reply, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(Exchange(client, up, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", kOk), kOk);
}

TEST_F(ConnectionManagerTest, StreamIdleTimeoutEndsAStalledResponse) {
  // The route timeout (15 s by default) only covers the wait for the response
  // head; a response that then stalls is ended by the stream idle timeout.
  bed_->context()->config.stream_idle_timeout = absl::Seconds(30);
  SocketPeer client = StartSession();
  client.Write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  SocketPeer up = AcceptUpstream();
  up.ReadAvailable();
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
  dispatcher_.AdvanceTime(absl::Seconds(29));
  EXPECT_EQ(client.ReadAvailable(), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
  EXPECT_FALSE(client.PeerClosed());
  dispatcher_.AdvanceTime(absl::Seconds(1));
  EXPECT_TRUE(client.PeerClosed());  // the cut is visible: 5 of 10 bytes
  EXPECT_TRUE(up.PeerClosed());
  EXPECT_EQ(bed_->host().counter("proxy.errors.stream_idle_timeout"), 1u);
}

}  // namespace
}  // namespace weft::http
