// HttpConnectionManager with HTTP/2 on at least one side: requests translated
// between HTTP/2 and HTTP/1.1 both ways (framing, the original-protocol hint),
// many HTTP/2 streams over one upstream connection, and upstream answers that
// arrive in a later read. Fixture: connection_manager_h2_fixture.h.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager_h2_fixture.h"
#include "proxy/http2/http2_test_util.h"

namespace weft::http {
namespace {

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
  EXPECT_EQ(bed_->stats().http_rq_2xx.value(), 1u);
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
  EXPECT_EQ(bed_->host().counter("cluster.backend.upstream_cx_total"), 1u);
  EXPECT_EQ(bed_->host().counter("cluster.backend.upstream_rq_total"), static_cast<uint64_t>(kStreams));
  EXPECT_EQ(bed_->stats().http_rq_2xx.value(), static_cast<uint64_t>(kStreams));

  // A second batch reuses the same connection.
  RecordingResponseDecoder& again = client.Send("/again");
  Run();
  ASSERT_EQ(streams.size(), static_cast<size_t>(kStreams + 1));
  http2::testing::Respond(streams.back()->encoder, 200, "x");
  Run();
  EXPECT_EQ(again.got.body, "x");
  EXPECT_EQ(h2_upstreams_.size(), 1u);
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
