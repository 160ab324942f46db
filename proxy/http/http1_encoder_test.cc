#include "proxy/http/http1_encoder.h"

#include "gtest/gtest.h"

namespace weft::http {
namespace {

TEST(Http1EncoderTest, RequestHeadDropsHopByHopAndConnectionNamedFields) {
  MessageHead h;
  h.method = "GET";
  h.target = "/x";
  h.headers.Add("Host", "svc");
  h.headers.Add("Connection", "keep-alive, X-Secret");
  h.headers.Add("Keep-Alive", "timeout=5");
  h.headers.Add("X-Secret", "1");
  h.headers.Add("X-Kept", "2");
  h.headers.Add("Transfer-Encoding", "chunked");
  network::Buffer out;
  EncodeRequestHead(h, BodyFraming::kChunked, out);
  EXPECT_EQ(out.view(),
            "GET /x HTTP/1.1\r\nHost: svc\r\nX-Kept: 2\r\ntransfer-encoding: chunked\r\n\r\n");
}

TEST(Http1EncoderTest, ResponseHeadWithCloseAndDefaultReason) {
  MessageHead h;
  h.status = 503;
  h.headers.Add("Content-Length", "0");
  network::Buffer out;
  EncodeResponseHead(h, BodyFraming::kContentLength, /*close=*/true, out);
  EXPECT_EQ(out.view(),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nconnection: close\r\n\r\n");
}

TEST(Http1EncoderTest, ChunksAndLastChunk) {
  network::Buffer out;
  EncodeChunk("hello world, this is 30 bytes!", out);
  EncodeChunk("", out);  // ignored: would end the body
  EncodeLastChunk(out);
  EXPECT_EQ(out.view(), "1e\r\nhello world, this is 30 bytes!\r\n0\r\n\r\n");
}

TEST(Http1EncoderTest, LocalReplyCarriesReason) {
  network::Buffer out;
  EncodeLocalReply(503, "connect_failed", false, out);
  EXPECT_EQ(out.view(),
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n"
            "x-weft-error: connect_failed\r\ncontent-length: 36\r\n\r\n"
            "Service Unavailable: connect_failed\n");
}

}  // namespace
}  // namespace weft::http

namespace weft::http {
namespace {

std::string Names(const HeaderMap& h) {
  std::string out;
  h.ForEach([&](absl::string_view name, absl::string_view value) {
    out += std::string(name) + "=" + std::string(value) + ";";
  });
  return out;
}

TEST(RemoveHopByHopFieldsTest, DropsConnectionFieldsAndTheOnesConnectionNames) {
  HeaderMap h;
  h.Add("Connection", "keep-alive, X-Drop");
  h.Add("X-Drop", "1");
  h.Add("Keep-Alive", "timeout=5");
  h.Add("Transfer-Encoding", "chunked");
  h.Add("Upgrade", "websocket");
  h.Add("TE", "trailers");
  h.Add("X-Keep", "2");
  RemoveHopByHopFields(h);
  EXPECT_EQ(Names(h), "TE=trailers;X-Keep=2;");  // te: trailers may cross a hop
}

// Several Connection field lines are one list (RFC 9110 5.3): a field named
// in any of them is this hop's, whether it comes before or after.
TEST(RemoveHopByHopFieldsTest, EveryConnectionLineNamesFields) {
  HeaderMap h;
  h.Add("X-Early", "0");
  h.Add("connection", "close");
  h.Add("X-Keep", "1");
  h.Add("CONNECTION", " x-early , X-Late ");
  h.Add("x-late", "2");
  HeaderMap encoded = h;
  RemoveHopByHopFields(h);
  EXPECT_EQ(Names(h), "X-Keep=1;");
  // The encoder drops the same fields from a head that still has them.
  MessageHead head;
  head.method = "GET";
  head.target = "/";
  head.headers = encoded;
  network::Buffer out;
  EncodeRequestHead(head, BodyFraming::kNone, out);
  EXPECT_EQ(out.view(), "GET / HTTP/1.1\r\nX-Keep: 1\r\n\r\n");
}

TEST(RemoveHopByHopFieldsTest, TeOtherThanTrailersIsDroppedAndPlainHeadersStay) {
  HeaderMap h;
  h.Add("te", "gzip");
  h.Add("content-type", "text/plain");
  RemoveHopByHopFields(h);
  EXPECT_EQ(Names(h), "content-type=text/plain;");
  HeaderMap plain;
  plain.Add("host", "a");
  RemoveHopByHopFields(plain);
  EXPECT_EQ(Names(plain), "host=a;");
}

}  // namespace
}  // namespace weft::http
