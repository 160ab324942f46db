#include "control-plane/kube/http_response_decoder.h"

#include <string>

#include "absl/status/statusor.h"

#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

// Feeds `input` in pieces of `step` bytes; returns the body, or the first error.
absl::StatusOr<std::string> Decode(HttpResponseDecoder& decoder, const std::string& input,
                                   size_t step, bool eof = true) {
  std::string body;
  for (size_t i = 0; i < input.size(); i += step) {
    absl::Status s = decoder.Feed(absl::string_view(input).substr(i, step),
                                  [&](absl::string_view d) { body.append(d.data(), d.size()); });
    if (!s.ok()) return s;
  }
  if (eof) {
    if (absl::Status s = decoder.OnEof(); !s.ok()) return s;
  }
  return body;
}

TEST(HttpResponseDecoderTest, ChunkedBodyInAnySplit) {
  const std::string input =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1b;ext=1\r\n {\"type\":\"ADDED\"}\n and more\r\n0\r\nX-Trailer: y\r\n\r\n";
  for (size_t step : {1, 2, 7, 1000}) {
    HttpResponseDecoder decoder;
    absl::StatusOr<std::string> body = Decode(decoder, input, step, /*eof=*/false);
    ASSERT_TRUE(body.ok()) << body.status();
    EXPECT_EQ(*body, "hello {\"type\":\"ADDED\"}\n and more") << step;
    EXPECT_TRUE(decoder.complete());
    EXPECT_EQ(decoder.status_code(), 200);
    EXPECT_EQ(decoder.headers().at("content-type"), "application/json");
  }
}

TEST(HttpResponseDecoderTest, ContentLengthAndUntilClose) {
  HttpResponseDecoder sized;
  EXPECT_EQ(*Decode(sized, "HTTP/1.1 410 Gone\r\nContent-Length: 3\r\n\r\nabc", 2), "abc");
  EXPECT_EQ(sized.status_code(), 410);
  HttpResponseDecoder until_close;
  EXPECT_EQ(*Decode(until_close, "HTTP/1.0 200 OK\r\n\r\nrest of it", 4), "rest of it");
  EXPECT_TRUE(until_close.complete());
}

TEST(HttpResponseDecoderTest, StreamCutShortIsUnavailable) {
  HttpResponseDecoder decoder;
  absl::StatusOr<std::string> body =
      Decode(decoder, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 3);
  EXPECT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  HttpResponseDecoder nothing;
  EXPECT_EQ(Decode(nothing, "", 1).status().code(), absl::StatusCode::kUnavailable);
}

TEST(HttpResponseDecoderTest, MalformedInputIsNamed) {
  struct Case {
    std::string input;
    std::string error;
  } cases[] = {
      {"SSH-2.0-OpenSSH\r\n\r\n", "bad status line"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "bad header line"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding"},
      {"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
       "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", "data after the end"},
      {"HTTP/1.1 200 OK\r\nX: " + std::string(2000, 'a'), "head larger than 1024"},
  };
  for (const Case& c : cases) {
    HttpResponseDecoder decoder(1024);
    absl::StatusOr<std::string> body = Decode(decoder, c.input, 5, /*eof=*/false);
    ASSERT_FALSE(body.ok()) << c.input;
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(body.status().message().find(c.error), absl::string_view::npos)
        << body.status() << " for " << c.input;
  }
}

}  // namespace
}  // namespace weft::control_plane::kube
