#include "proxy/http/http1_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace weft::http {
namespace {

struct Message {
  std::string method, target, reason;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false, chunked = false;
  int64_t content_length = -1;
  std::string body;
  bool complete = false;
};

class Collector : public Http1Parser::Callbacks {
 public:
  void OnMessageHead(MessageHead& h) override {
    messages.emplace_back();
    Message& m = messages.back();
    m.method = h.method;
    m.target = h.target;
    m.status = h.status;
    m.reason = h.reason;
    h.headers.ForEach([&](absl::string_view n, absl::string_view v) {
      m.headers.emplace_back(std::string(n), std::string(v));
    });
    m.keep_alive = h.keep_alive;
    m.chunked = h.chunked;
    m.content_length = h.content_length;
  }
  void OnBody(absl::string_view d) override { messages.back().body.append(d.data(), d.size()); }
  void OnMessageComplete() override { messages.back().complete = true; }
  std::vector<Message> messages;
};

TEST(Http1ParserTest, ParsesRequestHeadAndContentLengthBody) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kRequest, &c, 8192);
  std::string req = "POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
  auto r = p.Execute(req);
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_TRUE(r.message_complete);
  EXPECT_EQ(r.consumed, req.size());
  ASSERT_EQ(c.messages.size(), 1u);
  const Message& m = c.messages[0];
  EXPECT_EQ(m.method, "POST");
  EXPECT_EQ(m.target, "/a?b=1");
  EXPECT_EQ(m.content_length, 5);
  EXPECT_EQ(m.body, "hello");
  EXPECT_TRUE(m.keep_alive);
  ASSERT_EQ(m.headers.size(), 3u);
  EXPECT_EQ(m.headers[2], std::make_pair(std::string("X-A"), std::string("1")));
}

TEST(Http1ParserTest, StopsAfterEachPipelinedRequest) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kRequest, &c, 8192);
  std::string first = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string second = "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string both = first + second;
  auto r = p.Execute(both);
  EXPECT_TRUE(r.message_complete);
  EXPECT_EQ(r.consumed, first.size());
  ASSERT_EQ(c.messages.size(), 1u);
  p.Reset();
  r = p.Execute(absl::string_view(both).substr(r.consumed));
  EXPECT_TRUE(r.message_complete);
  EXPECT_EQ(r.consumed, second.size());
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1].target, "/2");
}

TEST(Http1ParserTest, HeadSplitAcrossManyReadsIsReassembled) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kRequest, &c, 8192);
  std::string req = "GET /long/path HTTP/1.1\r\nHost: example\r\nX-Long-Header: abcdefghij\r\n\r\n";
  for (char ch : req) {
    auto r = p.Execute(absl::string_view(&ch, 1));
    ASSERT_EQ(r.error, ParseError::kNone);
    ASSERT_EQ(r.consumed, 1u);
  }
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_TRUE(c.messages[0].complete);
  EXPECT_EQ(c.messages[0].target, "/long/path");
  EXPECT_EQ(c.messages[0].headers[1].second, "abcdefghij");
}

TEST(Http1ParserTest, ChunkedBodyArrivesWithoutFraming) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kResponse, &c, 8192);
  std::string resp =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  auto r = p.Execute(resp);
  EXPECT_TRUE(r.message_complete);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_TRUE(c.messages[0].chunked);
  EXPECT_EQ(c.messages[0].status, 200);
  EXPECT_EQ(c.messages[0].reason, "OK");
  EXPECT_EQ(c.messages[0].body, "hello world");
}

TEST(Http1ParserTest, ResponseUntilCloseCompletesOnFinish) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kResponse, &c, 8192);
  auto r = p.Execute("HTTP/1.0 200 OK\r\n\r\nsome body");
  EXPECT_FALSE(r.message_complete);
  EXPECT_TRUE(p.in_message());
  r = p.Finish();
  EXPECT_TRUE(r.message_complete);
  EXPECT_EQ(c.messages[0].body, "some body");
  EXPECT_FALSE(c.messages[0].keep_alive);
}

TEST(Http1ParserTest, TruncatedBodyIsAnErrorOnFinish) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kResponse, &c, 8192);
  p.Execute("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  auto r = p.Finish();
  EXPECT_EQ(r.error, ParseError::kMalformed);
}

TEST(Http1ParserTest, ResponseToHeadHasNoBody) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kResponse, &c, 8192);
  p.set_expect_no_body(true);
  std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  auto r = p.Execute(resp);
  EXPECT_TRUE(r.message_complete);
  EXPECT_EQ(r.consumed, resp.size());
}

TEST(Http1ParserTest, OversizedHeadersAreReportedAsSuch) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kRequest, &c, 100);
  std::string req = "GET / HTTP/1.1\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n";
  auto r = p.Execute(req);
  EXPECT_EQ(r.error, ParseError::kHeadersTooLarge);
}

TEST(Http1ParserTest, GarbageIsMalformed) {
  Collector c;
  Http1Parser p(Http1Parser::Type::kRequest, &c, 8192);
  auto r = p.Execute("\x16\x03\x01 not http at all\r\n\r\n");
  EXPECT_EQ(r.error, ParseError::kMalformed);
  Http1Parser q(Http1Parser::Type::kRequest, &c, 8192);
  r = q.Execute("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(r.error, ParseError::kMalformed);  // request smuggling guard
}

}  // namespace
}  // namespace weft::http
