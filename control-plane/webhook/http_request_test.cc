#include "control-plane/webhook/http_request.h"

#include "gtest/gtest.h"

namespace weft::webhook {
namespace {

TEST(HttpRequestTest, ParsesAPostHead) {
  RequestHead head;
  const std::string req = "POST /inject?timeout=10s HTTP/1.1\r\nHost: x\r\ncontent-length: 12\r\n\r\n{}";
  ASSERT_EQ(ParseRequestHead(req, 100, &head), HeadResult::kComplete);
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.path, "/inject");
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_EQ(head.head_bytes, req.size() - 2);
  EXPECT_EQ(ParseRequestHead("POST /inject HTTP/1.1\r\nHost", 100, &head), HeadResult::kIncomplete);
}

TEST(HttpRequestTest, RefusesWhatItCannotServe) {
  const struct {
    std::string request;
    int status;
  } cases[] = {
      {"garbage\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nno colon\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\n\r\n", 411},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
      {"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\n" + std::string(20000, 'a'), 431},
  };
  for (const auto& c : cases) {
    RequestHead head;
    EXPECT_EQ(ParseRequestHead(c.request, 100, &head), HeadResult::kError) << c.request;
    EXPECT_EQ(head.error_status, c.status) << c.request;
    EXPECT_FALSE(head.error.empty());
  }
}

TEST(HttpRequestTest, FormatsAClosingResponse) {
  EXPECT_EQ(HttpResponse(400, "text/plain", "bad\n"),
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
            "Connection: close\r\n\r\nbad\n");
}

}  // namespace
}  // namespace weft::webhook
