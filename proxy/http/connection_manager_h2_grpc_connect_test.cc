// HttpConnectionManager with HTTP/2 on at least one side: a gRPC call with
// trailers both ways, gRPC-aware local replies (trailers-only, grpc-status), and
// the requests that are not plain HTTP: HTTP/1.1 Upgrade tunnels, CONNECT refused
// on both protocols. Fixture: connection_manager_h2_fixture.h.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager_h2_fixture.h"
#include "proxy/http2/http2_test_util.h"

namespace weft::http {
namespace {

// ---- gRPC over h2 -> h2 --------------------------------------------------------

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
  EXPECT_EQ(bed_->host().counter("proxy.errors.no_route"), 1u);
  EXPECT_EQ(bed_->host().counter("proxy.errors.connect_failed"), 1u);
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
  EXPECT_EQ(bed_->stats().http_rq_4xx.value(), 1u);
  EXPECT_EQ(bed_->host().counter("proxy.errors.connect_not_allowed"), 1u);
  EXPECT_FALSE(upstream_.Accept().valid());
}

}  // namespace
}  // namespace weft::http
