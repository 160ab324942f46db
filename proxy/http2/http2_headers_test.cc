#include "proxy/http2/http2_headers.h"

#include "gtest/gtest.h"

namespace weft::http2 {
namespace {

std::vector<std::pair<std::string, std::string>> Fields(const HeaderList& list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i));
  return out;
}

TEST(Http2HeadersTest, ConnectionSpecificFields) {
  EXPECT_TRUE(IsConnectionSpecificField("Connection", "close"));
  EXPECT_TRUE(IsConnectionSpecificField("keep-alive", ""));
  EXPECT_TRUE(IsConnectionSpecificField("Proxy-Connection", "x"));
  EXPECT_TRUE(IsConnectionSpecificField("transfer-encoding", "chunked"));
  EXPECT_TRUE(IsConnectionSpecificField("upgrade", "h2c"));
  EXPECT_TRUE(IsConnectionSpecificField("te", "gzip"));
  EXPECT_FALSE(IsConnectionSpecificField("TE", "Trailers"));
  EXPECT_FALSE(IsConnectionSpecificField("trailer", "grpc-status"));
  EXPECT_FALSE(IsConnectionSpecificField("content-type", "text/plain"));
}

TEST(Http2HeadersTest, RequestListHasPseudoFieldsFirstAndHostAsAuthority) {
  http::RequestHeaders head;
  head.method = "GET";
  head.scheme = "https";
  head.path = "/a?b";
  head.headers.Add("Host", "h.test");
  head.headers.Add("X-A", "1");
  head.headers.Add("Connection", "close");
  EXPECT_EQ(Fields(RequestHeaderList(head)),
            (std::vector<std::pair<std::string, std::string>>{{":method", "GET"},
                                                              {":scheme", "https"},
                                                              {":authority", "h.test"},
                                                              {":path", "/a?b"},
                                                              {"x-a", "1"}}));
  head.authority = "explicit.test";
  auto fields = Fields(RequestHeaderList(head));
  EXPECT_EQ(fields[2].second, "explicit.test");
  EXPECT_EQ(fields.size(), 5u);  // host still dropped
}

TEST(Http2HeadersTest, ConnectCarriesOnlyMethodAndAuthority) {
  http::RequestHeaders head;
  head.method = "CONNECT";
  head.authority = "db.test:5432";
  head.path = "db.test:5432";
  EXPECT_EQ(Fields(RequestHeaderList(head)),
            (std::vector<std::pair<std::string, std::string>>{{":method", "CONNECT"},
                                                              {":authority", "db.test:5432"}}));
}

TEST(Http2HeadersTest, DecodeRequestFields) {
  http::RequestHeaders out;
  AddDecodedRequestField(":method", "POST", out);
  AddDecodedRequestField(":scheme", "https", out);
  AddDecodedRequestField(":path", "/p", out);
  AddDecodedRequestField("host", "from-host", out);
  AddDecodedRequestField("te", "trailers", out);
  AddDecodedRequestField("upgrade", "x", out);
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.scheme, "https");
  EXPECT_EQ(out.path, "/p");
  EXPECT_EQ(out.authority, "from-host");
  EXPECT_FALSE(out.headers.Has("host"));
  EXPECT_FALSE(out.headers.Has("upgrade"));
  EXPECT_EQ(out.headers.Get("te"), "trailers");
  // :authority wins over a later host.
  http::RequestHeaders both;
  AddDecodedRequestField(":authority", "a", both);
  AddDecodedRequestField("host", "b", both);
  EXPECT_EQ(both.authority, "a");
}

TEST(Http2HeadersTest, DecodeResponseStatus) {
  http::ResponseHeaders out;
  AddDecodedResponseField(":status", "503", out);
  AddDecodedResponseField("x-weft-error", "no_healthy_upstream", out);
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.headers.Get("x-weft-error"), "no_healthy_upstream");
  AddDecodedResponseField(":status", "abc", out);
  EXPECT_EQ(out.status, 0);
}

}  // namespace
}  // namespace weft::http2
