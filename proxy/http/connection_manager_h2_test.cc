// HttpConnectionManager with HTTP/2 on at least one side: a downstream HTTP/2
// client (our own client codec over a real socketpair) or raw HTTP/1.1 bytes,
// and an upstream that is a raw HTTP/1.1 peer or an HTTP/2 server codec on a
// real loopback socket. Time is simulated (FakeDispatcher); nothing sleeps.

#include <sys/socket.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager.h"
#include "proxy/http/router.h"
#include "proxy/http2/http2_codec.h"
#include "proxy/http2/http2_test_util.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {
namespace {

using ::weft::http2::testing::RecordingRequestDecoder;
using ::weft::http2::testing::RecordingResponseDecoder;
using ::weft::http2::testing::RecordingServerCallbacks;
using ::weft::testing::SocketPeer;

constexpr uint8_t kGoAwayFrameType = 7;
constexpr uint32_t kProtocolErrorCode = 1;

// A codec transport that writes straight into a test socket.
class SocketTransport : public CodecTransport {
 public:
  explicit SocketTransport(SocketPeer& peer) : peer_(peer) {}
  void Write(network::Buffer& bytes) override {
    peer_.Write(std::string(bytes.view()));
    bytes.Clear();
  }
  void ReadDisable(bool) override {}

 private:
  SocketPeer& peer_;
};

// The downstream HTTP/2 client: our client codec over the test's end of the
// socketpair.
class H2Client {
 public:
  explicit H2Client(SocketPeer peer)
      : peer_(std::move(peer)),
        transport_(peer_),
        codec_(http2::CreateHttp2ClientConnection(transport_, http2::Http2Options{})) {}

  // Opens a stream; `end_stream` false leaves the request body open on
  // *encoder.
  RecordingResponseDecoder& Send(absl::string_view path, absl::string_view method = "GET",
                                 const std::vector<std::pair<std::string, std::string>>& fields = {},
                                 bool end_stream = true, RequestEncoder** encoder = nullptr,
                                 absl::string_view authority = "svc") {
    responses_.push_back(std::make_unique<RecordingResponseDecoder>());
    RequestHeaders request;
    request.method = std::string(method);
    request.authority = std::string(authority);
    request.path = std::string(path);
    for (const auto& [name, value] : fields) request.headers.Add(name, value);
    RequestEncoder& e = codec_->NewStream(*responses_.back());
    e.EncodeHeaders(request, end_stream);
    if (encoder != nullptr) *encoder = &e;
    return *responses_.back();
  }

  // Feeds whatever the proxy sent; true if there was anything.
  bool Pump() {
    std::string bytes = peer_.ReadAvailable();
    if (bytes.empty()) return false;
    network::Buffer buffer;
    buffer.Append(bytes);
    absl::Status s = codec_->Dispatch(buffer);
    if (status.ok()) status = s;
    return true;
  }

  http::ClientConnection& codec() { return *codec_; }
  SocketPeer& peer() { return peer_; }
  absl::Status status;

 private:
  SocketPeer peer_;
  SocketTransport transport_;
  std::vector<std::unique_ptr<RecordingResponseDecoder>> responses_;  // outlive the codec
  std::unique_ptr<http::ClientConnection> codec_;
};

// One upstream HTTP/2 connection accepted by the test: a server codec.
class H2Upstream {
 public:
  H2Upstream(SocketPeer peer, std::function<void(RecordingRequestDecoder&)> on_complete)
      : peer_(std::move(peer)), transport_(peer_) {
    callbacks_.on_complete = std::move(on_complete);
    codec_ = http2::CreateHttp2ServerConnection(transport_, callbacks_, http2::Http2Options{});
  }

  bool Pump() {
    std::string bytes = peer_.ReadAvailable();
    if (bytes.empty()) return false;
    network::Buffer buffer;
    buffer.Append(bytes);
    absl::Status s = codec_->Dispatch(buffer);
    if (status.ok()) status = s;
    return true;
  }

  std::vector<std::unique_ptr<RecordingRequestDecoder>>& streams() { return callbacks_.streams; }
  SocketPeer& peer() { return peer_; }
  absl::Status status;

 private:
  SocketPeer peer_;
  SocketTransport transport_;
  RecordingServerCallbacks callbacks_;  // outlives the codec
  std::unique_ptr<http::ServerConnection> codec_;
};

std::string HeaderOr(const HeaderMap& headers, absl::string_view name) {
  auto v = headers.Get(name);
  return v ? std::string(*v) : "<absent>";
}

class ConnectionManagerH2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    const uint16_t port = static_cast<uint16_t>(upstream_.port());
    config::Cluster backend;
    backend.name = "backend";
    backend.endpoints.push_back({"127.0.0.1", port, 1});
    config::Cluster h1only = backend;
    h1only.name = "h1only";
    h1only.http_protocol = config::Cluster::HttpProtocol::kHttp1;
    config::Cluster h2only = backend;
    h2only.name = "h2only";
    h2only.http_protocol = config::Cluster::HttpProtocol::kHttp2;
    config::Cluster refused;
    refused.name = "refused";
    refused.endpoints.push_back(
        {"127.0.0.1", static_cast<uint16_t>(testing::UnusedLoopbackPort()), 1});
    config::Cluster empty;
    empty.name = "empty";
    config_.clusters = {backend, h1only, h2only, refused, empty};

    config::RouteConfig rc;
    rc.name = "routes";
    config::VirtualHost vh;
    vh.name = "all";
    vh.domains = {"*"};
    auto route = [](const std::string& prefix, const std::string& cluster) {
      config::Route r;
      r.match.path_prefix = prefix;
      r.cluster = cluster;
      return r;
    };
    config::Route slow = route("/slow", "backend");
    slow.timeout = absl::Seconds(2);
    vh.routes = {slow,
                 route("/down", "refused"),
                 route("/empty", "empty"),
                 route("/h1", "h1only"),
                 route("/h2", "h2only"),
                 route("/", "backend")};
    config::VirtualHost none;
    none.name = "none";
    none.domains = {"unrouted.example"};
    rc.virtual_hosts = {vh, none};
    config_.route_configs = {rc};
    config::Listener l;
    l.name = "test";
    l.protocol = config::Listener::Protocol::kHttp;
    l.route_config = "routes";
    l.max_request_headers_bytes = 8192;
    l.idle_timeout = absl::Seconds(60);
    config_.listeners = {l};

    host_ = std::make_unique<testing::FakeSessionHost>(dispatcher_, config_);
    chains_ = std::make_shared<const listener::FilterChainTable>(config_.listeners[0], config_);
    stats_ = std::make_unique<listener::ListenerStats>(host_->scope(), "test");
    context_ = std::make_shared<listener::ListenerContext>(config_.listeners[0], *stats_,
                                                          chains_, *host_);
  }

  void TearDown() override {
    h2_upstreams_.clear();
    client_.reset();
    host_.reset();  // sessions first: they use the context
    context_.reset();
  }

  // A downstream connection handed to the manager as `version`; returns the
  // test's end.
  SocketPeer StartSession(upstream::HttpVersion version) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    stats_->cx_active.Add(1);  // as the listener does
    HttpConnectionManager::Start(
        context_, listener::ConnectionInfo{},
        std::make_unique<network::Connection>(dispatcher_, fds[0], false, 1 << 20), version);
    return SocketPeer(fds[1]);
  }

  H2Client& StartH2Client() {
    client_ = std::make_unique<H2Client>(StartSession(upstream::HttpVersion::kHttp2));
    return *client_;
  }

  // Upstream connections are accepted as HTTP/2 servers whose streams are
  // answered by `respond` once the request is complete (nullptr: the test
  // answers by hand).
  void UseH2Upstream(std::function<void(RecordingRequestDecoder&)> respond) {
    h2_upstream_mode_ = true;
    respond_ = std::move(respond);
  }

  // Runs the proxy and both test peers until nobody has anything to say
  // (bounded).
  void Run() {
    for (int round = 0; round < 200; ++round) {
      dispatcher_.RunUntilIdle();
      bool moved = false;
      if (h2_upstream_mode_) {
        for (SocketPeer p = upstream_.Accept(); p.valid(); p = upstream_.Accept()) {
          h2_upstreams_.push_back(std::make_unique<H2Upstream>(std::move(p), respond_));
        }
        for (auto& up : h2_upstreams_) moved |= up->Pump();
      }
      if (client_ != nullptr) moved |= client_->Pump();
      if (!moved) return;
    }
    ADD_FAILURE() << "the exchange did not settle";
  }

  RecordingRequestDecoder& OnlyUpstreamStream() {
    EXPECT_EQ(h2_upstreams_.size(), 1u);
    EXPECT_EQ(h2_upstreams_.at(0)->streams().size(), 1u);
    return *h2_upstreams_.at(0)->streams().at(0);
  }

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener upstream_;
  config::ProxyConfig config_;
  std::unique_ptr<testing::FakeSessionHost> host_;
  std::shared_ptr<const listener::FilterChainTable> chains_;
  std::unique_ptr<listener::ListenerStats> stats_;
  listener::ListenerContextPtr context_;
  std::unique_ptr<H2Client> client_;
  bool h2_upstream_mode_ = false;
  std::function<void(RecordingRequestDecoder&)> respond_;
  std::vector<std::unique_ptr<H2Upstream>> h2_upstreams_;
};

// ---- h2 -> h1 -----------------------------------------------------------------

TEST_F(ConnectionManagerH2Test, H2ToH1RequestBodyIsChunkedAndResponseIsReframed) {
  H2Client& client = StartH2Client();
  RequestEncoder* body = nullptr;
  RecordingResponseDecoder& response = client.Send("/h1/up?q=1", "POST", {{"x-keep", "1"}},
                                                   /*end_stream=*/false, &body);
  network::Buffer data;
  data.Append("hello");
  body->EncodeData(data, /*end_stream=*/true);
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  const std::string seen = up.ReadAvailable();
  // An HTTP/2 request without content-length is chunked on HTTP/1.1.
  EXPECT_TRUE(absl::StartsWith(seen, "POST /h1/up?q=1 HTTP/1.1\r\n")) << seen;
  EXPECT_TRUE(absl::StrContains(seen, "host: svc\r\n")) << seen;
  EXPECT_TRUE(absl::StrContains(seen, "x-keep: 1\r\n")) << seen;
  EXPECT_TRUE(absl::StrContains(seen, "transfer-encoding: chunked\r\n")) << seen;
  EXPECT_TRUE(absl::EndsWith(seen, "\r\n\r\n5\r\nhello\r\n0\r\n\r\n")) << seen;

  up.Write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Up: y\r\n\r\n3\r\nabc\r\n");
  Run();
  EXPECT_TRUE(response.got.headers);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.got.body, "abc");
  EXPECT_FALSE(response.got.end);  // the chunked body is still open
  EXPECT_EQ(HeaderOr(response.headers, "x-up"), "y");
  EXPECT_FALSE(response.headers.Has("transfer-encoding"));  // connection-specific in h2
  up.Write("4\r\ndefg\r\n0\r\n\r\n");
  Run();
  EXPECT_EQ(response.got.body, "abcdefg");
  EXPECT_TRUE(response.got.end);
  EXPECT_FALSE(response.got.reset.has_value());
  EXPECT_TRUE(client.status.ok()) << client.status;
  EXPECT_EQ(stats_->http_rq_2xx.value(), 1u);
}

TEST_F(ConnectionManagerH2Test, H2ToH1GetWithoutBodyHasNoFraming) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/h1/a");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  EXPECT_EQ(up.ReadAvailable(), "GET /h1/a HTTP/1.1\r\nhost: svc\r\n\r\n");
  up.Write("HTTP/1.1 204 No Content\r\n\r\n");
  Run();
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.got.end);
  EXPECT_EQ(response.got.body, "");
}

TEST_F(ConnectionManagerH2Test, H2ToH1ResponseDelimitedByCloseEndsTheStreamCleanly) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/h1/");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.ReadAvailable();
  up.Write("HTTP/1.0 200 OK\r\n\r\nuntil close");
  up.Close();
  Run();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.got.body, "until close");
  EXPECT_TRUE(response.got.end);
  EXPECT_FALSE(response.got.reset.has_value());
  // The client's connection carries on: a second request works.
  RecordingResponseDecoder& second = client.Send("/h1/2");
  Run();
  SocketPeer up2 = upstream_.Accept();
  ASSERT_TRUE(up2.valid());
  EXPECT_EQ(up2.ReadAvailable(), "GET /h1/2 HTTP/1.1\r\nhost: svc\r\n\r\n");
  up2.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  Run();
  EXPECT_EQ(second.got.body, "ok");
  EXPECT_TRUE(second.got.end);
}

TEST_F(ConnectionManagerH2Test, OrigProtoHintDowngradesToHttp1AndIsStripped) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/", "GET", {{"x-weft-orig-proto", "http/1.1"}});
  // With use_downstream the hint wins over the downstream's HTTP/2: the
  // upstream must get HTTP/1.1 (a raw HTTP/1.1 peer here).
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  EXPECT_EQ(up.ReadAvailable(), "GET / HTTP/1.1\r\nhost: svc\r\n\r\n");
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  Run();
  EXPECT_EQ(response.got.body, "ok");
}

// ---- h1 -> h2 -----------------------------------------------------------------

TEST_F(ConnectionManagerH2Test, H1ToH2ClusterMarksTheOriginalProtocol) {
  UseH2Upstream([](RecordingRequestDecoder& s) {
    http2::testing::Respond(s.encoder, 200, "from-h2:" + s.got.body);
  });
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp1);
  client.Write("POST /h2/x HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\nX-A: b\r\n\r\nabc");
  Run();
  RecordingRequestDecoder& s = OnlyUpstreamStream();
  EXPECT_EQ(s.request.method, "POST");
  EXPECT_EQ(s.request.path, "/h2/x");
  EXPECT_EQ(s.request.authority, "svc");
  EXPECT_EQ(HeaderOr(s.request.headers, "x-weft-orig-proto"), "http/1.1");
  EXPECT_EQ(HeaderOr(s.request.headers, "x-a"), "b");
  EXPECT_EQ(s.got.body, "abc");
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 200 OK\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "from-h2:abc")) << reply;
  EXPECT_FALSE(client.PeerClosed());
}

TEST_F(ConnectionManagerH2Test, H2DownstreamToHttp1OnlyClusterUsesHttp1) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/h1/y");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  EXPECT_EQ(up.ReadAvailable(), "GET /h1/y HTTP/1.1\r\nhost: svc\r\n\r\n");
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
  Run();
  EXPECT_EQ(response.got.body, "1");
}

// ---- h2 -> h2 -----------------------------------------------------------------

TEST_F(ConnectionManagerH2Test, H2ToH2GrpcCallCarriesTrailersBothWays) {
  UseH2Upstream([](RecordingRequestDecoder& s) {
    ResponseHeaders headers;
    headers.status = 200;
    headers.headers.Add("content-type", "application/grpc");
    s.encoder.EncodeHeaders(headers, false);
    network::Buffer data;
    data.Append(std::string("\0\0\0\0\2hi", 7));
    s.encoder.EncodeData(data, false);
    HeaderMap trailers;
    trailers.Add("grpc-status", "0");
    trailers.Add("grpc-message", "fine");
    s.encoder.EncodeTrailers(trailers);
  });
  H2Client& client = StartH2Client();
  RequestEncoder* request = nullptr;
  RecordingResponseDecoder& response =
      client.Send("/pkg.Echo/Say", "POST",
                  {{"content-type", "application/grpc"}, {"te", "trailers"}},
                  /*end_stream=*/false, &request);
  network::Buffer data;
  data.Append(std::string("\0\0\0\0\3abc", 8));
  request->EncodeData(data, false);
  HeaderMap request_trailers;
  request_trailers.Add("x-req-trailer", "t");
  request->EncodeTrailers(request_trailers);
  Run();

  RecordingRequestDecoder& s = OnlyUpstreamStream();
  EXPECT_EQ(s.request.path, "/pkg.Echo/Say");
  EXPECT_EQ(HeaderOr(s.request.headers, "te"), "trailers");
  EXPECT_FALSE(s.request.headers.Has("x-weft-orig-proto"));
  EXPECT_EQ(s.got.body, std::string("\0\0\0\0\3abc", 8));
  ASSERT_TRUE(s.got.has_trailers);
  EXPECT_EQ(HeaderOr(s.got.trailers, "x-req-trailer"), "t");

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.got.body, std::string("\0\0\0\0\2hi", 7));
  ASSERT_TRUE(response.got.has_trailers);
  EXPECT_EQ(HeaderOr(response.got.trailers, "grpc-status"), "0");
  EXPECT_EQ(HeaderOr(response.got.trailers, "grpc-message"), "fine");
  EXPECT_TRUE(response.got.end);
  EXPECT_FALSE(response.got.reset.has_value());
}

TEST_F(ConnectionManagerH2Test, ManyConcurrentStreamsShareOneUpstreamConnection) {
  UseH2Upstream(nullptr);  // answered below, in reverse order
  H2Client& client = StartH2Client();
  constexpr int kStreams = 40;
  std::vector<RecordingResponseDecoder*> responses;
  for (int i = 0; i < kStreams; ++i) {
    responses.push_back(&client.Send(absl::StrCat("/s/", i)));
  }
  Run();
  ASSERT_EQ(h2_upstreams_.size(), 1u);
  auto& streams = h2_upstreams_[0]->streams();
  ASSERT_EQ(streams.size(), static_cast<size_t>(kStreams));
  for (auto it = streams.rbegin(); it != streams.rend(); ++it) {
    http2::testing::Respond((*it)->encoder, 200, "body" + (*it)->request.path);
  }
  Run();
  for (int i = 0; i < kStreams; ++i) {
    EXPECT_EQ(responses[i]->status, 200) << i;
    EXPECT_EQ(responses[i]->got.body, absl::StrCat("body/s/", i));
    EXPECT_TRUE(responses[i]->got.end) << i;
  }
  EXPECT_FALSE(upstream_.Accept().valid());
  EXPECT_EQ(host_->counter("cluster.backend.upstream_cx_total"), 1u);
  EXPECT_EQ(host_->counter("cluster.backend.upstream_rq_total"), static_cast<uint64_t>(kStreams));
  EXPECT_EQ(stats_->http_rq_2xx.value(), static_cast<uint64_t>(kStreams));

  // A second batch reuses the same connection.
  RecordingResponseDecoder& again = client.Send("/again");
  Run();
  ASSERT_EQ(streams.size(), static_cast<size_t>(kStreams + 1));
  http2::testing::Respond(streams.back()->encoder, 200, "x");
  Run();
  EXPECT_EQ(again.got.body, "x");
  EXPECT_EQ(h2_upstreams_.size(), 1u);
}

// ---- gRPC-aware local replies ---------------------------------------------------

struct GrpcErrorCase {
  const char* path;
  const char* authority;
  const char* grpc_status;
  const char* reason;
};

TEST_F(ConnectionManagerH2Test, GrpcLocalRepliesAreTrailersOnlyWithGrpcStatus) {
  H2Client& client = StartH2Client();
  const GrpcErrorCase cases[] = {
      {"/pkg.Svc/M", "unrouted.example", "12", "no_route"},
      {"/empty/pkg.Svc/M", "svc", "14", "no_healthy_upstream"},
      {"/down/pkg.Svc/M", "svc", "14", "connect_failed"},
  };
  for (const GrpcErrorCase& c : cases) {
    RecordingResponseDecoder& r =
        client.Send(c.path, "POST", {{"content-type", "application/grpc+proto"}},
                    /*end_stream=*/true, nullptr, c.authority);
    Run();
    EXPECT_EQ(r.status, 200) << c.reason;
    EXPECT_EQ(HeaderOr(r.headers, "grpc-status"), c.grpc_status) << c.reason;
    EXPECT_EQ(HeaderOr(r.headers, "x-weft-error"), c.reason);
    EXPECT_TRUE(absl::StartsWith(HeaderOr(r.headers, "content-type"), "application/grpc"))
        << c.reason;
    // Trailers-only: one HEADERS frame with END_STREAM, no DATA, no trailers.
    EXPECT_TRUE(r.got.end) << c.reason;
    EXPECT_EQ(r.got.data_calls, 0) << c.reason;
    EXPECT_FALSE(r.got.has_trailers) << c.reason;
    EXPECT_FALSE(r.got.reset.has_value()) << c.reason;
  }
  EXPECT_EQ(host_->counter("proxy.errors.no_route"), 1u);
  EXPECT_EQ(host_->counter("proxy.errors.connect_failed"), 1u);
}

TEST_F(ConnectionManagerH2Test, NonGrpcLocalReplyOverH2KeepsHttpStatus) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& r = client.Send("/", "GET", {}, true, nullptr, "unrouted.example");
  Run();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(HeaderOr(r.headers, "x-weft-error"), "no_route");
  EXPECT_FALSE(r.headers.Has("grpc-status"));
  EXPECT_TRUE(r.got.end);
}

// ---- Timeouts, resets ---------------------------------------------------------

TEST_F(ConnectionManagerH2Test, RouteTimeoutEndsOneStreamWhileOthersContinue) {
  UseH2Upstream(nullptr);
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& slow = client.Send("/slow");
  RecordingResponseDecoder& other = client.Send("/other");
  Run();
  ASSERT_EQ(h2_upstreams_.size(), 1u);
  auto& streams = h2_upstreams_[0]->streams();
  ASSERT_EQ(streams.size(), 2u);
  RecordingRequestDecoder& up_slow = *streams[0];
  RecordingRequestDecoder& up_other = *streams[1];
  ASSERT_EQ(up_slow.request.path, "/slow");

  dispatcher_.AdvanceTime(absl::Milliseconds(1999));
  Run();
  EXPECT_FALSE(slow.got.headers);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  Run();
  EXPECT_EQ(slow.status, 504);
  EXPECT_EQ(HeaderOr(slow.headers, "x-weft-error"), "upstream_timeout");
  EXPECT_TRUE(slow.got.end);
  // The timed-out upstream stream is cancelled; the connection and the other
  // stream live on.
  EXPECT_TRUE(up_slow.got.reset.has_value());
  EXPECT_FALSE(up_other.got.reset.has_value());
  EXPECT_FALSE(other.got.headers);
  http2::testing::Respond(up_other.encoder, 200, "late but fine");
  Run();
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.got.body, "late but fine");
  EXPECT_TRUE(other.got.end);
  EXPECT_FALSE(client.peer().PeerClosed());
  EXPECT_EQ(host_->counter("proxy.errors.upstream_timeout"), 1u);
}

TEST_F(ConnectionManagerH2Test, DownstreamRstStreamCancelsTheH2UpstreamStream) {
  UseH2Upstream(nullptr);
  H2Client& client = StartH2Client();
  RequestEncoder* first = nullptr;
  client.Send("/cancel", "GET", {}, true, &first);
  RecordingResponseDecoder& kept = client.Send("/kept");
  Run();
  ASSERT_EQ(h2_upstreams_.size(), 1u);
  auto& streams = h2_upstreams_[0]->streams();
  ASSERT_EQ(streams.size(), 2u);
  first->ResetStream(StreamResetReason::kLocalReset);
  Run();
  ASSERT_TRUE(streams[0]->got.reset.has_value());
  EXPECT_EQ(*streams[0]->got.reset, StreamResetReason::kRemoteReset);
  EXPECT_FALSE(streams[1]->got.reset.has_value());
  http2::testing::Respond(streams[1]->encoder, 200, "k");
  Run();
  EXPECT_EQ(kept.got.body, "k");
}

TEST_F(ConnectionManagerH2Test, DownstreamRstStreamClosesTheH1UpstreamConnection) {
  H2Client& client = StartH2Client();
  RequestEncoder* request = nullptr;
  client.Send("/h1/", "GET", {}, true, &request);
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.ReadAvailable();
  request->ResetStream(StreamResetReason::kLocalReset);
  Run();
  // HTTP/1.1 has no other way to abandon a request than closing.
  EXPECT_TRUE(up.PeerClosed());
  EXPECT_FALSE(client.peer().PeerClosed());
}

TEST_F(ConnectionManagerH2Test, UpstreamH2ResetMidResponseResetsTheDownstreamStream) {
  UseH2Upstream(nullptr);
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/");
  Run();
  RecordingRequestDecoder& s = OnlyUpstreamStream();
  ResponseHeaders headers;
  headers.status = 200;
  s.encoder.EncodeHeaders(headers, false);
  network::Buffer data;
  data.Append("part");
  s.encoder.EncodeData(data, false);
  Run();
  EXPECT_EQ(response.got.body, "part");
  s.encoder.ResetStream(StreamResetReason::kLocalReset);
  Run();
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.got.end);
  ASSERT_TRUE(response.got.reset.has_value());
  EXPECT_FALSE(client.peer().PeerClosed());  // only the stream, not the connection
}

TEST_F(ConnectionManagerH2Test, UpstreamH1CloseMidResponseResetsTheDownstreamStream) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/h1/");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.ReadAvailable();
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  Run();
  EXPECT_EQ(response.got.body, "abc");
  up.Close();
  Run();
  EXPECT_FALSE(response.got.end);
  ASSERT_TRUE(response.got.reset.has_value());
  EXPECT_FALSE(client.peer().PeerClosed());
}

// ---- Connection-level behaviour -----------------------------------------------

TEST_F(ConnectionManagerH2Test, DrainSendsGoAwayLetsStreamsFinishThenCloses) {
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/h1/");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.ReadAvailable();
  // As the server does: drain runs inside a dispatcher callback.
  dispatcher_.Post([this] { host_->DrainAll(); });
  Run();
  EXPECT_TRUE(client.codec().draining());  // GOAWAY received
  EXPECT_FALSE(client.peer().PeerClosed());
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  Run();
  EXPECT_EQ(response.got.body, "ok");
  EXPECT_TRUE(response.got.end);
  EXPECT_TRUE(client.peer().PeerClosed());
  EXPECT_EQ(host_->session_count(), 0u);
}

TEST_F(ConnectionManagerH2Test, DrainClosesAnIdleH2ConnectionWithGoAway) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp2);
  client.Write(std::string(http2::testing::kClientMagic) + http2::testing::SettingsFrame({}));
  dispatcher_.RunUntilIdle();
  client.ReadAvailable();  // the server's SETTINGS and ACK
  dispatcher_.Post([this] { host_->DrainAll(); });
  dispatcher_.RunUntilIdle();
  bool goaway = false;
  for (const auto& f : http2::testing::ParseFrames(client.ReadAvailable())) {
    goaway |= f.type == kGoAwayFrameType;
  }
  EXPECT_TRUE(goaway);
  EXPECT_TRUE(client.PeerClosed());
}

TEST_F(ConnectionManagerH2Test, InvalidFrameGetsGoAwayProtocolErrorAndClose) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp2);
  // DATA on stream 0 is a connection error of type PROTOCOL_ERROR (RFC 9113 6.1).
  client.Write(std::string(http2::testing::kClientMagic) + http2::testing::SettingsFrame({}) +
               http2::testing::DataFrame(0, "bad", false));
  dispatcher_.RunUntilIdle();
  std::vector<http2::testing::FrameInfo> frames =
      http2::testing::ParseFrames(client.ReadAvailable());
  bool goaway = false;
  for (const auto& f : frames) {
    if (f.type != kGoAwayFrameType) continue;
    goaway = true;
    EXPECT_EQ(f.error_code, kProtocolErrorCode);
  }
  EXPECT_TRUE(goaway);
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_EQ(host_->session_count(), 0u);
}

TEST_F(ConnectionManagerH2Test, InvalidFrameResetsStreamsInFlight) {
  H2Client& client = StartH2Client();
  client.Send("/h1/");
  Run();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  up.ReadAvailable();
  client.peer().Write(http2::testing::DataFrame(0, "bad", false));
  Run();
  EXPECT_TRUE(client.peer().PeerClosed());
  EXPECT_TRUE(up.PeerClosed());  // the upstream request is abandoned
}

// ---- Upgrade and CONNECT --------------------------------------------------------

TEST_F(ConnectionManagerH2Test, Http1UpgradeTunnelsBytesBothWaysAfter101) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp1);
  client.Write(
      "GET /chat HTTP/1.1\r\nHost: svc\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  dispatcher_.RunUntilIdle();
  SocketPeer up = upstream_.Accept();
  ASSERT_TRUE(up.valid());
  const std::string seen = up.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(seen, "GET /chat HTTP/1.1\r\n")) << seen;
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(seen), "upgrade: websocket\r\n")) << seen;
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(seen), "connection: upgrade\r\n")) << seen;
  up.Write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  dispatcher_.RunUntilIdle();
  const std::string head = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 101 Switching Protocols\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(head), "upgrade: websocket\r\n")) << head;
  // Opaque bytes (not HTTP) now flow both ways, unframed.
  const std::string to_up("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  client.Write(to_up);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(up.ReadAvailable(), to_up);
  up.Write("\x81\x05hello");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client.ReadAvailable(), "\x81\x05hello");
  // Closing one side closes the other.
  up.Close();
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(client.PeerClosed());
}

TEST_F(ConnectionManagerH2Test, Http1ConnectIsRefusedWith405) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp1);
  client.Write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  dispatcher_.RunUntilIdle();
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 405 ")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: connect_not_allowed")) << reply;
  EXPECT_FALSE(upstream_.Accept().valid());
}

TEST_F(ConnectionManagerH2Test, H2ConnectIsRefusedWith405) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp2);
  // CONNECT carries only :method and :authority (RFC 9113 8.5).
  client.Write(std::string(http2::testing::kClientMagic) + http2::testing::SettingsFrame({}) +
               http2::testing::HeadersFrame(
                   1, {{":method", "CONNECT"}, {":authority", "example.com:443"}},
                   /*end_stream=*/false));
  dispatcher_.RunUntilIdle();
  const std::string out = client.ReadAvailable();
  bool headers = false;
  bool reset_or_goaway = false;
  for (const auto& f : http2::testing::ParseFrames(out)) {
    if (f.stream_id == 1 && f.type == 1) headers = true;
    if (f.type == 3 || f.type == kGoAwayFrameType) reset_or_goaway = true;
  }
  EXPECT_TRUE(headers);  // a response, not a protocol error
  EXPECT_FALSE(reset_or_goaway && !headers);
  EXPECT_EQ(stats_->http_rq_4xx.value(), 1u);
  EXPECT_EQ(host_->counter("proxy.errors.connect_not_allowed"), 1u);
  EXPECT_FALSE(upstream_.Accept().valid());
}

// ---- Upstream answers that arrive in a later read than the request ----------
// (They once looked lost: the test's upstream sockets lacked TCP_NODELAY, so
// Nagle held the DATA frame back; the proxy's own sockets always set it.)

TEST_F(ConnectionManagerH2Test, LateH2UpstreamBodyReachesAnH1Client) {
  UseH2Upstream(nullptr);
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp1);
  client.Write("GET /h2/x HTTP/1.1\r\nHost: svc\r\n\r\n");
  Run();
  RecordingRequestDecoder& s = OnlyUpstreamStream();
  http2::testing::Respond(s.encoder, 200, "part");
  Run();
  EXPECT_EQ(client.ReadAvailable(),
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\npart\r\n0\r\n\r\n");
}

TEST_F(ConnectionManagerH2Test, LateH2UpstreamBodyReachesAnH2Client) {
  UseH2Upstream(nullptr);
  H2Client& client = StartH2Client();
  RecordingResponseDecoder& response = client.Send("/");
  Run();
  RecordingRequestDecoder& s = OnlyUpstreamStream();
  http2::testing::Respond(s.encoder, 200, "part");
  Run();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.got.body, "part");
  EXPECT_TRUE(response.got.end);
}

}  // namespace
}  // namespace weft::http
