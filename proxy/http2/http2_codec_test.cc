// Client and server codecs talking to each other through in-memory pipes.
#include "proxy/http2/http2_codec.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proxy/http2/http2_test_util.h"

namespace weft::http2 {
namespace {

using http::StreamResetReason;
using testing::CodecPair;
using testing::RecordingResponseDecoder;

http::RequestHeaders Get(absl::string_view path = "/") {
  http::RequestHeaders h;
  h.method = "GET";
  h.scheme = "http";
  h.authority = "svc.test";
  h.path = std::string(path);
  return h;
}

TEST(Http2CodecTest, GrpcLikeUnaryCallWithBodyAndTrailers) {
  CodecPair pair;
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    http::ResponseHeaders head;
    head.status = 200;
    head.headers.Add("content-type", "application/grpc");
    d.encoder.EncodeHeaders(head, false);
    network::Buffer body;
    body.Append(std::string("\0\0\0\0\3abc", 8));
    d.encoder.EncodeData(body, false);
    http::HeaderMap trailers;
    trailers.Add("grpc-status", "0");
    trailers.Add("grpc-message", "ok");
    d.encoder.EncodeTrailers(trailers);
  };
  RecordingResponseDecoder response;
  http::RequestEncoder& request = pair.client->NewStream(response);
  http::RequestHeaders head;
  head.method = "POST";
  head.scheme = "https";
  head.authority = "greeter.test:443";
  head.path = "/helloworld.Greeter/SayHello";
  head.headers.Add("content-type", "application/grpc");
  head.headers.Add("te", "trailers");
  request.EncodeHeaders(head, false);
  network::Buffer body;
  body.Append(std::string("\0\0\0\0\5hello", 10));
  request.EncodeData(body, false);
  http::HeaderMap request_trailers;
  request_trailers.Add("x-checksum", "42");
  request.EncodeTrailers(request_trailers);
  EXPECT_EQ(pair.client->active_streams(), 1u);

  ASSERT_TRUE(pair.Pump());
  ASSERT_TRUE(pair.client_status.ok()) << pair.client_status;
  ASSERT_TRUE(pair.server_status.ok()) << pair.server_status;

  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  const auto& server_side = *pair.server_callbacks.streams[0];
  EXPECT_EQ(server_side.request.method, "POST");
  EXPECT_EQ(server_side.request.scheme, "https");
  EXPECT_EQ(server_side.request.authority, "greeter.test:443");
  EXPECT_EQ(server_side.request.path, "/helloworld.Greeter/SayHello");
  EXPECT_EQ(server_side.request.headers.Get("content-type"), "application/grpc");
  EXPECT_EQ(server_side.request.headers.Get("te"), "trailers");
  EXPECT_EQ(server_side.got.body, std::string("\0\0\0\0\5hello", 10));
  ASSERT_TRUE(server_side.got.has_trailers);
  EXPECT_EQ(server_side.got.trailers.Get("x-checksum"), "42");

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.Get("content-type"), "application/grpc");
  EXPECT_EQ(response.got.body, std::string("\0\0\0\0\3abc", 8));
  ASSERT_TRUE(response.got.has_trailers);
  EXPECT_EQ(response.got.trailers.Get("grpc-status"), "0");
  EXPECT_EQ(response.got.trailers.Get("grpc-message"), "ok");
  EXPECT_FALSE(response.got.reset.has_value());
  EXPECT_FALSE(server_side.got.reset.has_value());
  EXPECT_EQ(pair.client->active_streams(), 0u);
  EXPECT_EQ(pair.server->active_streams(), 0u);
  EXPECT_TRUE(pair.client->keep_alive());
  EXPECT_TRUE(pair.server->keep_alive());
}

TEST(Http2CodecTest, EachDispatchProducesAtMostOneWrite) {
  CodecPair pair;
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    testing::Respond(d.encoder, 200, "body", {{"grpc-status", "0"}});
  };
  std::vector<std::unique_ptr<RecordingResponseDecoder>> responses;
  for (int i = 0; i < 10; ++i) {
    responses.push_back(std::make_unique<RecordingResponseDecoder>());
    pair.client->NewStream(*responses.back()).EncodeHeaders(Get(), true);
  }
  for (int round = 0; round < 100 && !pair.client_transport.pending.empty(); ++round) {
    const int before = pair.server_transport.writes;
    network::Buffer bytes;
    bytes.Move(pair.client_transport.pending);
    ASSERT_TRUE(pair.server->Dispatch(bytes).ok());
    EXPECT_LE(pair.server_transport.writes - before, 1);
    pair.Pump();
  }
  for (const auto& r : responses) EXPECT_EQ(r->got.body, "body");
}

TEST(Http2CodecTest, HopByHopFieldsDroppedAndNamesLowerCased) {
  CodecPair pair;
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    http::ResponseHeaders head;
    head.status = 204;
    head.headers.Add("Connection", "close");
    head.headers.Add("Keep-Alive", "timeout=5");
    head.headers.Add("X-Reply", "yes");
    d.encoder.EncodeHeaders(head, true);
  };
  RecordingResponseDecoder response;
  http::RequestHeaders head = Get("/x");
  head.authority.clear();
  head.headers.Add("Host", "from-host.test:8080");
  head.headers.Add("Connection", "keep-alive");
  head.headers.Add("Keep-Alive", "timeout=5");
  head.headers.Add("Proxy-Connection", "keep-alive");
  head.headers.Add("Transfer-Encoding", "chunked");
  head.headers.Add("Upgrade", "websocket");
  head.headers.Add("TE", "gzip");
  head.headers.Add("X-Custom", "Value");
  pair.client->NewStream(response).EncodeHeaders(head, true);
  ASSERT_TRUE(pair.Pump());
  ASSERT_TRUE(pair.server_status.ok()) << pair.server_status;

  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  const http::RequestHeaders& got = pair.server_callbacks.streams[0]->request;
  EXPECT_EQ(got.authority, "from-host.test:8080");
  EXPECT_FALSE(got.headers.Has("host"));
  std::vector<std::string> names;
  got.headers.ForEach([&](absl::string_view n, absl::string_view) { names.emplace_back(n); });
  EXPECT_EQ(names, std::vector<std::string>{"x-custom"});
  EXPECT_EQ(got.headers.Get("x-custom"), "Value");

  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.got.end);
  EXPECT_FALSE(response.headers.Has("connection"));
  EXPECT_FALSE(response.headers.Has("keep-alive"));
  EXPECT_EQ(response.headers.Get("x-reply"), "yes");
}

TEST(Http2CodecTest, InformationalHeadersBeforeFinalResponse) {
  CodecPair pair;
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    http::ResponseHeaders informational;
    informational.status = 100;
    d.encoder.Encode1xxHeaders(informational);
    informational.status = 103;
    informational.headers.Add("link", "</style.css>; rel=preload");
    d.encoder.Encode1xxHeaders(informational);
    testing::Respond(d.encoder, 200, "done");
  };
  RecordingResponseDecoder response;
  http::RequestHeaders head = Get();
  head.method = "POST";
  head.headers.Add("expect", "100-continue");
  http::RequestEncoder& encoder = pair.client->NewStream(response);
  encoder.EncodeHeaders(head, false);
  network::Buffer body;
  body.Append("payload");
  encoder.EncodeData(body, true);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.informational, (std::vector<int>{100, 103}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.got.body, "done");
  EXPECT_TRUE(response.got.end);
}

TEST(Http2CodecTest, ManyConcurrentStreamsMultiplexed) {
  CodecPair pair;
  // Respond only once every request has arrived, in reverse order, so that the
  // streams are really open at the same time.
  constexpr int kStreams = 100;
  std::vector<std::unique_ptr<RecordingResponseDecoder>> responses;
  for (int i = 0; i < kStreams; ++i) {
    responses.push_back(std::make_unique<RecordingResponseDecoder>());
    http::RequestEncoder& encoder = pair.client->NewStream(*responses.back());
    http::RequestHeaders head = Get("/echo/" + std::to_string(i));
    head.method = "PUT";
    encoder.EncodeHeaders(head, false);
    network::Buffer body;
    body.Append(std::string(1000 + i, static_cast<char>('a' + i % 26)));
    encoder.EncodeData(body, true);
  }
  EXPECT_EQ(pair.client->active_streams(), static_cast<size_t>(kStreams));
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), static_cast<size_t>(kStreams));
  EXPECT_EQ(pair.server->active_streams(), static_cast<size_t>(kStreams));
  for (int i = kStreams - 1; i >= 0; --i) {
    auto& s = *pair.server_callbacks.streams[i];
    ASSERT_TRUE(s.got.end);
    testing::Respond(s.encoder, 200, s.request.path + ":" + s.got.body);
  }
  ASSERT_TRUE(pair.Pump());
  for (int i = 0; i < kStreams; ++i) {
    EXPECT_EQ(responses[i]->got.body,
              "/echo/" + std::to_string(i) + ":" +
                  std::string(1000 + i, static_cast<char>('a' + i % 26)));
    EXPECT_TRUE(responses[i]->got.end);
  }
  EXPECT_EQ(pair.client->active_streams(), 0u);
  EXPECT_EQ(pair.server->active_streams(), 0u);
}

// A reader that stops reading slows down only its own stream's writer, whose
// buffer stays bounded, and everything flows again once it reads.
TEST(Http2CodecTest, ReadDisabledReaderBackpressuresWriter) {
  Http2Options options;
  options.initial_stream_window = 64 * 1024;
  options.stream_buffer_limit = 256 * 1024;
  CodecPair pair(options, options);
  RecordingResponseDecoder response;  // the client stream's handler
  http::RequestEncoder& upload = pair.client->NewStream(response);
  http::RequestHeaders head = Get("/upload");
  head.method = "POST";
  upload.EncodeHeaders(head, false);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  auto& reader = *pair.server_callbacks.streams[0];
  reader.encoder.ReadDisable(true);
  reader.encoder.ReadDisable(true);  // nests

  // A second stream on the same connection keeps flowing meanwhile.
  RecordingResponseDecoder other;
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    testing::Respond(d.encoder, 200, "unaffected");
  };

  constexpr size_t kTotal = 6 * 1024 * 1024;
  constexpr size_t kChunk = 32 * 1024;
  size_t pushed = 0;
  for (int i = 0; i < 1000 && response.got.above == 0 && pushed < kTotal; ++i) {
    network::Buffer chunk;
    chunk.Append(std::string(kChunk, 'x'));
    upload.EncodeData(chunk, false);
    pushed += kChunk;
    ASSERT_TRUE(pair.Pump());
  }
  ASSERT_EQ(response.got.above, 1);
  EXPECT_LT(pushed, kTotal);
  // The reader got at most one stream window while it was not reading.
  EXPECT_LE(reader.got.body.size(), options.initial_stream_window);
  EXPECT_GT(reader.got.body.size(), 0u);
  // What the writer holds is bounded by the limit plus one chunk.
  EXPECT_LE(pushed - reader.got.body.size(), options.stream_buffer_limit + kChunk);

  pair.client->NewStream(other).EncodeHeaders(Get("/other"), true);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(other.got.body, "unaffected");

  reader.encoder.ReadDisable(false);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.got.below, 0);  // still disabled once
  reader.encoder.ReadDisable(false);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.got.below, 1);

  for (int i = 0; i < 10000 && pushed < kTotal; ++i) {
    if (response.got.above > response.got.below) {
      ASSERT_TRUE(pair.Pump());
      continue;
    }
    network::Buffer chunk;
    chunk.Append(std::string(kChunk, 'x'));
    pushed += kChunk;
    upload.EncodeData(chunk, pushed >= kTotal);
    ASSERT_TRUE(pair.Pump());
  }
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(pushed, kTotal);
  EXPECT_EQ(reader.got.body.size(), kTotal);
  EXPECT_TRUE(reader.got.end);
  testing::Respond(reader.encoder, 200, "");
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.got.reset.has_value());
}

TEST(Http2CodecTest, LargeResponseBodyStreamsThroughSmallWindows) {
  Http2Options options;
  options.initial_stream_window = 64 * 1024;
  CodecPair pair(options, options);
  const std::string big(5 * 1024 * 1024 + 17, 'z');
  pair.server_callbacks.on_complete = [&](testing::RecordingRequestDecoder& d) {
    testing::Respond(d.encoder, 200, big, {{"grpc-status", "0"}});
  };
  RecordingResponseDecoder response;
  pair.client->NewStream(response).EncodeHeaders(Get(), true);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.got.body.size(), big.size());
  EXPECT_TRUE(response.got.has_trailers);
  EXPECT_GT(response.got.data_calls, 5 * 1024 * 1024 / 16384 - 1);  // frame by frame
}

TEST(Http2CodecTest, ClientResetReachesServerAsRemoteReset) {
  CodecPair pair;
  RecordingResponseDecoder response;
  http::RequestEncoder& encoder = pair.client->NewStream(response);
  encoder.EncodeHeaders(Get(), false);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  encoder.ResetStream(StreamResetReason::kLocalReset);
  EXPECT_EQ(pair.client->active_streams(), 0u);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(pair.server_callbacks.streams[0]->got.reset, StreamResetReason::kRemoteReset);
  EXPECT_FALSE(response.got.reset.has_value());  // own reset is not reported back
  EXPECT_EQ(pair.server->active_streams(), 0u);
  EXPECT_TRUE(pair.server->keep_alive());
}

TEST(Http2CodecTest, ServerResetReasonsReachClient) {
  CodecPair pair;
  RecordingResponseDecoder refused, cancelled;
  pair.client->NewStream(refused).EncodeHeaders(Get("/a"), true);
  pair.client->NewStream(cancelled).EncodeHeaders(Get("/b"), true);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 2u);
  pair.server_callbacks.streams[0]->encoder.ResetStream(StreamResetReason::kRemoteRefused);
  pair.server_callbacks.streams[1]->encoder.ResetStream(StreamResetReason::kLocalReset);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(refused.got.reset, StreamResetReason::kRemoteRefused);
  EXPECT_EQ(cancelled.got.reset, StreamResetReason::kRemoteReset);
  EXPECT_FALSE(pair.server_callbacks.streams[0]->got.reset.has_value());
  EXPECT_EQ(pair.client->active_streams(), 0u);
}

TEST(Http2CodecTest, ServerGoAwayRefusesLaterStreamsAndFinishesEarlierOnes) {
  CodecPair pair;
  RecordingResponseDecoder first, second, late;
  pair.client->NewStream(first).EncodeHeaders(Get("/1"), true);
  pair.client->NewStream(second).EncodeHeaders(Get("/3"), true);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 2u);
  // Stream 5 is on the wire when the server decides to go away.
  pair.client->NewStream(late).EncodeHeaders(Get("/5"), true);
  pair.server->GoAway();
  EXPECT_FALSE(pair.server->keep_alive());
  network::Buffer goaway;
  goaway.Move(pair.server_transport.pending);
  auto frames = testing::ParseFrames(goaway.view());
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().type, 0x7);
  EXPECT_EQ(frames.back().last_stream_id, 3u);
  EXPECT_EQ(frames.back().error_code, 0u);
  ASSERT_TRUE(pair.client->Dispatch(goaway).ok());

  EXPECT_EQ(late.got.reset, StreamResetReason::kRemoteRefused);
  EXPECT_TRUE(pair.client->draining());
  EXPECT_FALSE(pair.client->CanTakeStream());
  EXPECT_FALSE(pair.client->keep_alive());
  EXPECT_EQ(pair.client->active_streams(), 2u);

  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(pair.server_callbacks.streams.size(), 2u);  // stream 5 ignored
  for (auto& s : pair.server_callbacks.streams) testing::Respond(s->encoder, 200, "fin");
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(first.got.body, "fin");
  EXPECT_EQ(second.got.body, "fin");
  EXPECT_FALSE(first.got.reset.has_value());
  EXPECT_EQ(pair.client->active_streams(), 0u);
  EXPECT_EQ(pair.server->active_streams(), 0u);
}

TEST(Http2CodecTest, ClientGoAwayLetsInFlightStreamFinish) {
  CodecPair pair;
  RecordingResponseDecoder response;
  pair.client->NewStream(response).EncodeHeaders(Get(), true);
  ASSERT_TRUE(pair.Pump());
  pair.client->GoAway();
  EXPECT_FALSE(pair.client->CanTakeStream());
  ASSERT_TRUE(pair.Pump());
  EXPECT_FALSE(pair.server->keep_alive());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  testing::Respond(pair.server_callbacks.streams[0]->encoder, 200, "bye");
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.got.body, "bye");
  EXPECT_TRUE(response.got.end);
}

TEST(Http2CodecTest, ClientRespectsPeerMaxConcurrentStreams) {
  Http2Options server_options;
  server_options.max_concurrent_streams = 2;
  CodecPair pair({}, server_options);
  ASSERT_TRUE(pair.Pump());  // SETTINGS exchanged
  RecordingResponseDecoder a, b;
  EXPECT_TRUE(pair.client->CanTakeStream());
  pair.client->NewStream(a).EncodeHeaders(Get(), true);
  EXPECT_TRUE(pair.client->CanTakeStream());
  pair.client->NewStream(b).EncodeHeaders(Get(), true);
  EXPECT_FALSE(pair.client->CanTakeStream());
  ASSERT_TRUE(pair.Pump());
  testing::Respond(pair.server_callbacks.streams[0]->encoder, 200, "");
  ASSERT_TRUE(pair.Pump());
  EXPECT_TRUE(pair.client->CanTakeStream());
}

// A client that starts before it knows the server's limit: the excess streams
// are refused (retryable), the others are served, the connection lives on.
TEST(Http2CodecTest, ServerRefusesStreamsAboveItsLimit) {
  Http2Options server_options;
  server_options.max_concurrent_streams = 2;
  CodecPair pair({}, server_options);
  pair.server_callbacks.on_complete = [](testing::RecordingRequestDecoder& d) {
    if (d.request.path != "/0") testing::Respond(d.encoder, 200, "served");
  };
  std::vector<std::unique_ptr<RecordingResponseDecoder>> responses;
  for (int i = 0; i < 4; ++i) {
    responses.push_back(std::make_unique<RecordingResponseDecoder>());
    pair.client->NewStream(*responses.back()).EncodeHeaders(Get("/" + std::to_string(i)), true);
  }
  ASSERT_TRUE(pair.Pump());
  ASSERT_TRUE(pair.server_status.ok()) << pair.server_status;
  EXPECT_EQ(pair.server_callbacks.streams.size(), 2u);
  EXPECT_FALSE(responses[0]->got.reset.has_value());  // open, unanswered
  EXPECT_EQ(responses[1]->got.body, "served");
  EXPECT_EQ(responses[2]->got.reset, StreamResetReason::kRemoteRefused);
  EXPECT_EQ(responses[3]->got.reset, StreamResetReason::kRemoteRefused);
  EXPECT_TRUE(pair.client->keep_alive());
  EXPECT_EQ(pair.client->active_streams(), 1u);
}

// RFC 9113 8.1: the response ends before the request; the server follows it
// with RST_STREAM NO_ERROR and the client sees a complete response.
TEST(Http2CodecTest, EarlyResponseIsFollowedByRstStreamNoError) {
  CodecPair pair;
  RecordingResponseDecoder response;
  http::RequestEncoder& upload = pair.client->NewStream(response);
  http::RequestHeaders head = Get();
  head.method = "POST";
  upload.EncodeHeaders(head, false);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  auto& server_side = *pair.server_callbacks.streams[0];
  testing::Respond(server_side.encoder, 413, "too big");
  EXPECT_EQ(pair.server->active_streams(), 0u);
  auto frames = testing::ParseFrames(pair.server_transport.pending.view());
  ASSERT_GE(frames.size(), 3u);
  const auto& rst = frames.back();
  EXPECT_EQ(rst.type, 0x3);
  EXPECT_EQ(rst.error_code, 0u);
  EXPECT_EQ(frames[frames.size() - 2].type, 0x0);  // DATA with END_STREAM before it
  EXPECT_EQ(frames[frames.size() - 2].flags & 0x1, 0x1);
  ASSERT_TRUE(pair.Pump());
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.got.body, "too big");
  EXPECT_TRUE(response.got.end);
  EXPECT_FALSE(response.got.reset.has_value());
  EXPECT_FALSE(server_side.got.reset.has_value());
  EXPECT_EQ(pair.client->active_streams(), 0u);
}

TEST(Http2CodecTest, ConnectionClosedResetsOpenStreams) {
  CodecPair pair;
  RecordingResponseDecoder response;
  pair.client->NewStream(response).EncodeHeaders(Get(), false);
  ASSERT_TRUE(pair.Pump());
  pair.client->OnConnectionClosed(StreamResetReason::kConnectionTermination);
  pair.server->OnConnectionClosed(StreamResetReason::kConnectionFailure);
  EXPECT_EQ(response.got.reset, StreamResetReason::kConnectionTermination);
  EXPECT_EQ(pair.server_callbacks.streams[0]->got.reset, StreamResetReason::kConnectionFailure);
  EXPECT_EQ(pair.client->active_streams(), 0u);
  EXPECT_FALSE(pair.client->keep_alive());
  EXPECT_FALSE(pair.client->CanTakeStream());
}

TEST(Http2CodecTest, TransportWatermarksReachEveryOpenStream) {
  CodecPair pair;
  RecordingResponseDecoder a, b;
  pair.client->NewStream(a).EncodeHeaders(Get(), false);
  pair.client->NewStream(b).EncodeHeaders(Get(), false);
  pair.client->OnTransportAboveHighWatermark();
  EXPECT_EQ(a.got.above, 1);
  EXPECT_EQ(b.got.above, 1);
  RecordingResponseDecoder c;
  pair.client->NewStream(c);  // created while above: hears it at once
  EXPECT_EQ(c.got.above, 1);
  pair.client->OnTransportBelowLowWatermark();
  EXPECT_EQ(a.got.below, 1);
  EXPECT_EQ(b.got.below, 1);
  EXPECT_EQ(c.got.below, 1);

  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 2u);
  pair.server->OnTransportAboveHighWatermark();
  EXPECT_EQ(pair.server_callbacks.streams[0]->got.above, 1);
  EXPECT_EQ(pair.server_callbacks.streams[1]->got.above, 1);
}

}  // namespace
}  // namespace weft::http2

namespace weft::http2 {
namespace {

// The response is written later than the request's Dispatch (an upstream
// answered in another event): its body must still go out at once.
TEST(Http2LateResponseTest, BodyEncodedOutsideDispatchIsSentImmediately) {
  testing::CodecPair pair;
  testing::RecordingResponseDecoder response;
  http::RequestEncoder& request = pair.client->NewStream(response);
  http::RequestHeaders headers;
  headers.method = "GET";
  headers.path = "/";
  headers.authority = "svc";
  request.EncodeHeaders(headers, /*end_stream=*/true);
  ASSERT_TRUE(pair.Pump());
  ASSERT_EQ(pair.server_callbacks.streams.size(), 1u);
  http::ResponseEncoder& encoder = pair.server_callbacks.streams[0]->encoder;
  http::ResponseHeaders head;
  head.status = 200;
  encoder.EncodeHeaders(head, /*end_stream=*/false);
  network::Buffer body;
  body.Append("late");
  encoder.EncodeData(body, /*end_stream=*/true);
  // Only what the server has written so far may be delivered: no server
  // Dispatch happens before the client reads.
  network::Buffer wire;
  wire.Move(pair.server_transport.pending);
  ASSERT_TRUE(pair.client->Dispatch(wire).ok());
  EXPECT_EQ(response.got.body, "late");
  EXPECT_TRUE(response.got.end);
}

}  // namespace
}  // namespace weft::http2
