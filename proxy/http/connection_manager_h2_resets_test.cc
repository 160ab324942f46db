// HttpConnectionManager with HTTP/2 on at least one side: route timeouts and
// resets in either direction (one stream, not the connection), drain with
// GOAWAY, and invalid frames (GOAWAY PROTOCOL_ERROR, streams in flight
// abandoned). Fixture: connection_manager_h2_fixture.h.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager_h2_fixture.h"
#include "proxy/http2/http2_test_util.h"

namespace weft::http {
namespace {

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
  EXPECT_EQ(bed_->host().counter("proxy.errors.upstream_timeout"), 1u);
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
  dispatcher_.Post([this] { bed_->host().DrainAll(); });
  Run();
  EXPECT_TRUE(client.codec().draining());  // GOAWAY received
  EXPECT_FALSE(client.peer().PeerClosed());
  up.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  Run();
  EXPECT_EQ(response.got.body, "ok");
  EXPECT_TRUE(response.got.end);
  EXPECT_TRUE(client.peer().PeerClosed());
  EXPECT_EQ(bed_->host().session_count(), 0u);
}

TEST_F(ConnectionManagerH2Test, DrainClosesAnIdleH2ConnectionWithGoAway) {
  SocketPeer client = StartSession(upstream::HttpVersion::kHttp2);
  client.Write(std::string(http2::testing::kClientMagic) + http2::testing::SettingsFrame({}));
  dispatcher_.RunUntilIdle();
  client.ReadAvailable();  // the server's SETTINGS and ACK
  dispatcher_.Post([this] { bed_->host().DrainAll(); });
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
  EXPECT_EQ(bed_->host().session_count(), 0u);
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

}  // namespace
}  // namespace weft::http
