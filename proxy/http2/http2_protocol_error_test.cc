// Hand-built frames against a codec: protocol errors, stream-level limits and
// floods.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proxy/http2/http2_codec.h"
#include "proxy/http2/http2_test_util.h"

namespace weft::http2 {
namespace {

using http::StreamResetReason;
using testing::FrameInfo;

constexpr uint8_t kRst = 0x3;
constexpr uint8_t kGoAway = 0x7;
constexpr uint32_t kProtocolError = 0x1;
constexpr uint32_t kFrameSizeError = 0x6;
constexpr uint32_t kRefusedStream = 0x7;
constexpr uint32_t kCancel = 0x8;
constexpr uint32_t kEnhanceYourCalm = 0xb;

class RawServer {
 public:
  explicit RawServer(const Http2Options& options = {}) {
    server = CreateHttp2ServerConnection(transport, callbacks, options);
    transport.pending.Clear();  // the server's SETTINGS
  }
  // The client preface, an empty SETTINGS and the ACK of the server's.
  absl::Status Start() {
    return Feed(absl::StrCat(testing::kClientMagic, testing::SettingsFrame({}),
                             testing::SettingsFrame({}, /*ack=*/true)));
  }
  absl::Status Feed(absl::string_view bytes) {
    network::Buffer buffer;
    buffer.Append(bytes);
    return server->Dispatch(buffer);
  }
  std::vector<FrameInfo> TakeFrames() {
    auto frames = testing::ParseFrames(transport.pending.view());
    transport.pending.Clear();
    return frames;
  }
  static const FrameInfo* Find(const std::vector<FrameInfo>& frames, uint8_t type,
                               uint32_t stream_id) {
    for (const auto& f : frames) {
      if (f.type == type && f.stream_id == stream_id) return &f;
    }
    return nullptr;
  }

  testing::BufferTransport transport;
  testing::RecordingServerCallbacks callbacks;
  std::unique_ptr<http::ServerConnection> server;
};

TEST(Http2ProtocolErrorTest, BadPrefaceIsAnError) {
  RawServer raw;
  absl::Status s = raw.Feed("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "preface")) << s;
  EXPECT_FALSE(raw.server->keep_alive());
  // Later input is refused with the same error.
  EXPECT_EQ(raw.Feed("more").message(), s.message());
}

TEST(Http2ProtocolErrorTest, DataOnStreamZeroIsGoAwayProtocolError) {
  RawServer raw;
  ASSERT_TRUE(raw.Start().ok());
  ASSERT_TRUE(raw.Feed(testing::HeadersFrame(1, testing::GetRequestFields(), false)).ok());
  ASSERT_EQ(raw.callbacks.streams.size(), 1u);
  raw.TakeFrames();
  absl::Status s = raw.Feed(testing::DataFrame(0, "x", false));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "protocol_error")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "DATA")) << s;
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, kProtocolError);
  EXPECT_EQ(raw.callbacks.streams[0]->got.reset, StreamResetReason::kProtocolError);
  EXPECT_EQ(raw.server->active_streams(), 0u);
  EXPECT_FALSE(raw.server->keep_alive());
}

TEST(Http2ProtocolErrorTest, MalformedSettingsIsFrameSizeError) {
  RawServer raw;
  absl::Status s = raw.Feed(absl::StrCat(testing::kClientMagic, testing::SettingsFrame({}),
                                         testing::Frame(0x4, 0, 0, "12345")));
  ASSERT_FALSE(s.ok());
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, kFrameSizeError);
  EXPECT_TRUE(absl::StrContains(s.message(), "frame_size_error")) << s;
}

TEST(Http2ProtocolErrorTest, HpackGarbageIsCompressionError) {
  RawServer raw;
  ASSERT_TRUE(raw.Start().ok());
  // 0xff...: an indexed field with an out-of-range index.
  absl::Status s = raw.Feed(testing::Frame(0x1, 0x5, 1, std::string("\xff\xff\xff\x7f", 4)));
  ASSERT_FALSE(s.ok());
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, 0x9u);  // COMPRESSION_ERROR
}

TEST(Http2ProtocolErrorTest, ClientRejectsGarbageFromServer) {
  testing::BufferTransport transport;
  auto client = CreateHttp2ClientConnection(transport, {});
  testing::RecordingResponseDecoder response;
  http::RequestHeaders head;
  head.method = "GET";
  head.authority = "x";
  head.path = "/";
  client->NewStream(response).EncodeHeaders(head, true);
  network::Buffer garbage;
  garbage.Append("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
  absl::Status s = client->Dispatch(garbage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(response.got.reset, StreamResetReason::kProtocolError);
  EXPECT_TRUE(client->draining());
  EXPECT_FALSE(client->keep_alive());
}

// Streams sent before the client has acknowledged our SETTINGS (the normal way
// a client overshoots: it starts before it knows the limit) are refused one by
// one. nghttp2 1.52 treats an overshoot *after* the ACK as a connection error
// (see README.md).
TEST(Http2ProtocolErrorTest, ExcessStreamsAreRefusedOthersServed) {
  Http2Options options;
  options.max_concurrent_streams = 2;
  RawServer raw(options);
  ASSERT_TRUE(raw.Feed(absl::StrCat(testing::kClientMagic, testing::SettingsFrame({}))).ok());
  std::string bytes;
  for (uint32_t id : {1u, 3u, 5u, 7u}) {
    bytes += testing::HeadersFrame(id, testing::GetRequestFields(), false);
  }
  absl::Status fed = raw.Feed(bytes);
  ASSERT_TRUE(fed.ok()) << fed;
  EXPECT_EQ(raw.callbacks.streams.size(), 2u);
  auto frames = raw.TakeFrames();
  for (uint32_t id : {5u, 7u}) {
    const FrameInfo* rst = RawServer::Find(frames, kRst, id);
    ASSERT_NE(rst, nullptr) << id;
    EXPECT_EQ(rst->error_code, kRefusedStream);
  }
  EXPECT_EQ(RawServer::Find(frames, kRst, 1), nullptr);
  EXPECT_EQ(RawServer::Find(frames, kGoAway, 0), nullptr);
  // The accepted ones still work.
  ASSERT_TRUE(raw.Feed(testing::DataFrame(1, "end", true)).ok());
  EXPECT_EQ(raw.callbacks.streams[0]->got.body, "end");
  EXPECT_TRUE(raw.server->keep_alive());
}

TEST(Http2ProtocolErrorTest, OversizedHeaderBlockResetsOnlyThatStream) {
  Http2Options options;
  options.max_header_list_size = 4096;
  RawServer raw(options);
  ASSERT_TRUE(raw.Start().ok());
  auto big = testing::GetRequestFields();
  big.emplace_back("x-big", std::string(5000, 'b'));
  std::string bytes = testing::HeadersFrame(1, big, true);
  bytes += testing::HeadersFrame(3, testing::GetRequestFields("/fine"), true);
  ASSERT_TRUE(raw.Feed(bytes).ok());
  ASSERT_EQ(raw.callbacks.streams.size(), 1u);
  EXPECT_EQ(raw.callbacks.streams[0]->request.path, "/fine");
  auto frames = raw.TakeFrames();
  ASSERT_NE(RawServer::Find(frames, kRst, 1), nullptr);
  EXPECT_EQ(RawServer::Find(frames, kGoAway, 0), nullptr);
  testing::Respond(raw.callbacks.streams[0]->encoder, 200, "ok");
  auto response_frames = raw.TakeFrames();
  EXPECT_NE(RawServer::Find(response_frames, 0x0, 3), nullptr);
  EXPECT_TRUE(raw.server->keep_alive());
}

TEST(Http2ProtocolErrorTest, InvalidHeadersResetOnlyThatStream) {
  RawServer raw;
  ASSERT_TRUE(raw.Start().ok());
  // Upper-case name and a connection-specific field are malformed in HTTP/2.
  auto bad = testing::GetRequestFields();
  bad.emplace_back("Connection", "close");
  std::string bytes = testing::HeadersFrame(1, bad, true);
  bytes += testing::HeadersFrame(3, testing::GetRequestFields(), true);
  ASSERT_TRUE(raw.Feed(bytes).ok());
  EXPECT_EQ(raw.callbacks.streams.size(), 1u);
  auto frames = raw.TakeFrames();
  const FrameInfo* rst = RawServer::Find(frames, kRst, 1);
  ASSERT_NE(rst, nullptr);
  EXPECT_EQ(rst->error_code, kProtocolError);
  EXPECT_TRUE(raw.server->keep_alive());
}

TEST(Http2ProtocolErrorTest, HostFieldBecomesAuthority) {
  RawServer raw;
  ASSERT_TRUE(raw.Start().ok());
  ASSERT_TRUE(raw.Feed(testing::HeadersFrame(1,
                                             {{":method", "GET"},
                                              {":scheme", "http"},
                                              {":path", "/p"},
                                              {"host", "legacy.test"},
                                              {"te", "trailers"}},
                                             true))
                  .ok());
  ASSERT_EQ(raw.callbacks.streams.size(), 1u);
  const auto& request = raw.callbacks.streams[0]->request;
  EXPECT_EQ(request.authority, "legacy.test");
  EXPECT_FALSE(request.headers.Has("host"));
  EXPECT_EQ(request.headers.Get("te"), "trailers");
  EXPECT_TRUE(raw.callbacks.streams[0]->got.end);
}

TEST(Http2ProtocolErrorTest, RapidResetFloodIsEnhanceYourCalm) {
  Http2Options options;
  options.max_inbound_resets_per_window = 50;
  RawServer raw(options);
  ASSERT_TRUE(raw.Start().ok());
  std::string bytes;
  for (uint32_t i = 0; i < 100; ++i) {
    const uint32_t id = 1 + 2 * i;
    bytes += testing::HeadersFrame(id, testing::GetRequestFields(), false);
    bytes += testing::RstStreamFrame(id, kCancel);
  }
  absl::Status s = raw.Feed(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(s.message(), "rst_stream_flood")) << s;
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, kEnhanceYourCalm);
  EXPECT_EQ(raw.callbacks.streams.size(), 51u);  // the 51st RST_STREAM stopped it
  for (const auto& stream : raw.callbacks.streams) EXPECT_TRUE(stream->got.reset.has_value());
  EXPECT_EQ(raw.server->active_streams(), 0u);
}

TEST(Http2ProtocolErrorTest, ResetsWithinTheAllowanceAreFine) {
  Http2Options options;
  options.max_inbound_resets_per_window = 50;
  RawServer raw(options);
  raw.callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    testing::Respond(d.encoder, 200, "");
  };
  ASSERT_TRUE(raw.Start().ok());
  // 100 normal streams widen the allowance to 200 resets.
  std::string bytes;
  uint32_t id = 1;
  for (int i = 0; i < 100; ++i, id += 2) {
    bytes += testing::HeadersFrame(id, testing::GetRequestFields(), true);
  }
  for (int i = 0; i < 150; ++i, id += 2) {
    bytes += testing::HeadersFrame(id, testing::GetRequestFields(), false);
    bytes += testing::RstStreamFrame(id, kCancel);
  }
  absl::Status s = raw.Feed(bytes);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(raw.server->keep_alive());
}

TEST(Http2ProtocolErrorTest, SettingsFloodIsEnhanceYourCalm) {
  Http2Options options;
  options.max_settings_per_window = 20;
  RawServer raw(options);
  ASSERT_TRUE(raw.Start().ok());
  std::string bytes;
  for (int i = 0; i < 40; ++i) bytes += testing::SettingsFrame({{0x4, 65535}});
  absl::Status s = raw.Feed(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "settings_flood")) << s;
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, kEnhanceYourCalm);
}

TEST(Http2ProtocolErrorTest, PingFloodIsEnhanceYourCalm) {
  Http2Options options;
  options.max_pings_per_window = 10;
  RawServer raw(options);
  ASSERT_TRUE(raw.Start().ok());
  std::string bytes;
  for (int i = 0; i < 11; ++i) bytes += testing::PingFrame();
  absl::Status s = raw.Feed(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "ping_flood")) << s;
  auto frames = raw.TakeFrames();
  const FrameInfo* goaway = RawServer::Find(frames, kGoAway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code, kEnhanceYourCalm);
}

TEST(Http2ProtocolErrorTest, FloodWindowRollsOver) {
  Http2Options options;
  options.max_pings_per_window = 10;
  options.flood_window_frames = 20;
  RawServer raw(options);
  ASSERT_TRUE(raw.Start().ok());  // 2 frames
  // 10 pings then 10 other frames per window: never more than 10 per window.
  for (int round = 0; round < 5; ++round) {
    std::string bytes;
    for (int i = 0; i < 10; ++i) bytes += testing::PingFrame();
    for (int i = 0; i < 10; ++i) bytes += testing::WindowUpdateFrame(0, 1);
    ASSERT_TRUE(raw.Feed(bytes).ok()) << round;
  }
}

TEST(Http2ProtocolErrorTest, OptionsValidationReportsEveryProblem) {
  Http2Options options;
  EXPECT_TRUE(options.Validate().ok());
  options.max_concurrent_streams = 0;
  options.initial_connection_window = 10;
  absl::Status s = options.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "max_concurrent_streams")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "initial_connection_window")) << s;
}

}  // namespace
}  // namespace weft::http2
