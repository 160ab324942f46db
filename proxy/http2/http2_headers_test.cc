#include "proxy/http2/http2_headers.h"

#include "proxy/http2/static_header_names.h"

#include "gtest/gtest.h"

namespace weft::http2 {
namespace {

std::vector<std::pair<std::string, std::string>> Fields(const HeaderList& list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < list.size(); ++i) out.emplace_back(list.at(i));
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
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.scheme, "https");
  EXPECT_EQ(out.path, "/p");
  EXPECT_EQ(out.authority, "from-host");
  EXPECT_FALSE(out.headers.Has("host"));
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

namespace weft::http2 {
namespace {

TEST(Http2HeadersTest, ConnectionSpecificFieldsAnyCaseAndNearMisses) {
  EXPECT_TRUE(IsConnectionSpecificField("TRANSFER-ENCODING", "chunked"));
  EXPECT_TRUE(IsConnectionSpecificField("Keep-Alive", "timeout=5"));
  EXPECT_TRUE(IsConnectionSpecificField("UPGRADE", "websocket"));
  EXPECT_TRUE(IsConnectionSpecificField("Te", " gzip "));
  EXPECT_FALSE(IsConnectionSpecificField("te", " trailers "));
  EXPECT_FALSE(IsConnectionSpecificField("connectio", "close"));
  EXPECT_FALSE(IsConnectionSpecificField("connections", "close"));
  EXPECT_FALSE(IsConnectionSpecificField("upgrade-insecure-requests", "1"));
  EXPECT_FALSE(IsConnectionSpecificField("tf", "x"));
  EXPECT_FALSE(IsConnectionSpecificField("", ""));
}

TEST(Http2HeadersTest, ReusedListHoldsOnlyTheLatestHeadAndBorrowsItsFields) {
  HeaderList list;
  http::RequestHeaders request;
  request.method = "POST";
  request.path = "/upload";
  request.authority = "a.test";
  for (int i = 0; i < 40; ++i) request.headers.Add("X-Long-Header-Name", std::string(100, 'v'));
  BuildRequestHeaderList(request, list);
  EXPECT_EQ(list.size(), 44u);
  // Borrowed, not copied: nghttp2 lower-cases the name when it copies the list
  // (Http2CodecTest.HopByHopFieldsDroppedAndNamesLowerCased checks the wire).
  EXPECT_EQ(list.at(4).first, "X-Long-Header-Name");
  EXPECT_EQ(list.at(4).second.data(), request.headers.at(0).second.data());
  EXPECT_EQ(list.at(3).second.data(), request.path.data());
  http::ResponseHeaders response;
  response.status = 204;
  response.headers.Add("server", "weft");
  response.headers.Add("Transfer-Encoding", "chunked");
  response.headers.Add("X-Request-Id", "r-1");
  BuildResponseHeaderList(response, list);
  EXPECT_EQ(Fields(list), (std::vector<std::pair<std::string, std::string>>{
                              {":status", "204"}, {"server", "weft"}, {"X-Request-Id", "r-1"}}));
  const std::vector<nghttp2_nv>& nv = list.nv();
  ASSERT_EQ(nv.size(), 3u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(nv[1].name), nv[1].namelen), "server");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(nv[1].value), nv[1].valuelen), "weft");
  // A well-known lower-case name points at its static copy: nghttp2 need not copy it.
  EXPECT_EQ(nv[1].flags, NGHTTP2_NV_FLAG_NO_COPY_NAME);
  EXPECT_EQ(reinterpret_cast<const char*>(nv[1].name), StaticHeaderName("server"));
  // Not indexed whatever the name's case; with upper case, nghttp2 copies and lowers it.
  EXPECT_EQ(nv[2].flags, NGHTTP2_NV_FLAG_NO_INDEX);
  // The owning form copies and lower-cases.
  HeaderList owned = RequestHeaderList(request);
  EXPECT_EQ(owned.at(4).first, "x-long-header-name");
  EXPECT_NE(owned.at(4).second.data(), request.headers.at(0).second.data());
  // Statuses outside 100..999 are still written as decimal.
  response.status = 0;
  response.headers.Clear();
  BuildResponseHeaderList(response, list);
  EXPECT_EQ(list.at(0).second, "0");
  response.status = 1000;
  BuildResponseHeaderList(response, list);
  EXPECT_EQ(list.at(0).second, "1000");
}

TEST(Http2HeadersTest, DecodedStatusAcceptsOnlyDigits) {
  http::ResponseHeaders out;
  AddDecodedResponseField(":status", "200", out);
  EXPECT_EQ(out.status, 200);
  AddDecodedResponseField(":status", "2x0", out);
  EXPECT_EQ(out.status, 0);
  AddDecodedResponseField(":status", "1000", out);
  EXPECT_EQ(out.status, 1000);
  AddDecodedResponseField(":status", "", out);
  EXPECT_EQ(out.status, 0);
}

}  // namespace
}  // namespace weft::http2

namespace weft::http2 {
namespace {

TEST(Http2HeadersTest, PerRequestIdsAreNotIndexedAndNamesOfAnyLengthAreLowered) {
  HeaderList list;
  list.Add("TraceParent", "00-1-2-01");
  list.Add("x-request-id", "abc");
  list.Add("Content-Type", "text/plain");
  list.Add("ABCDEFGHIJKLMNOPQRSTUVWXYZ-@[`{", "v");  // bytes around 'A'..'Z'
  list.Add("already-lower-case-and-long-name", "v");
  list.Add(std::string("x\xC1y", 3), "v");  // a non-ASCII byte is left alone
  const std::vector<nghttp2_nv>& nv = list.nv();
  ASSERT_EQ(nv.size(), 6u);
  EXPECT_EQ(list.at(0).first, "traceparent");
  // Lowered, these three are well-known names: static, not copied by nghttp2.
  EXPECT_EQ(nv[0].flags, NGHTTP2_NV_FLAG_NO_INDEX | NGHTTP2_NV_FLAG_NO_COPY_NAME);
  EXPECT_EQ(nv[1].flags, NGHTTP2_NV_FLAG_NO_INDEX | NGHTTP2_NV_FLAG_NO_COPY_NAME);
  EXPECT_EQ(nv[2].flags, NGHTTP2_NV_FLAG_NO_COPY_NAME);
  EXPECT_EQ(nv[3].flags, NGHTTP2_NV_FLAG_NONE);
  EXPECT_EQ(list.at(3).first, "abcdefghijklmnopqrstuvwxyz-@[`{");
  EXPECT_EQ(list.at(4).first, "already-lower-case-and-long-name");
  EXPECT_EQ(list.at(5).first, std::string("x\xC1y", 3));
  EXPECT_TRUE(IsUniquePerRequestField("x-b3-parentspanid"));
  EXPECT_TRUE(IsUniquePerRequestField("X-B3-TraceId"));
  EXPECT_FALSE(IsUniquePerRequestField("tracestate"));
  EXPECT_FALSE(IsUniquePerRequestField("x-b3-sampled"));
}

}  // namespace
}  // namespace weft::http2

namespace weft::http2 {
namespace {

TEST(StaticHeaderNamesTest, FindsExactlyTheWellKnownLowerCaseNames) {
  for (const char* name : {":authority", ":status", "accept", "content-length", "date", "te",
                           "www-authenticate", "strict-transport-security", "grpc-status",
                           "grpc-status-details-bin", "traceparent", "x-request-id", "b3"}) {
    const char* found = StaticHeaderName(name);
    ASSERT_NE(found, nullptr) << name;
    EXPECT_STREQ(found, name);
    EXPECT_EQ(StaticHeaderName(std::string(name)), found);  // the same one every time
  }
  for (const char* name : {"Date", "CONTENT-LENGTH", "dat", "datex", "content-lengtH",
                           "x-custom", ":protocol", "grpc-statuS", "", "a"}) {
    EXPECT_EQ(StaticHeaderName(name), nullptr) << name;
  }
  EXPECT_EQ(StaticHeaderName(std::string(300, 'a')), nullptr);
  // Every length class of the comparison: 2, 4..7, 8 and more (words), > 16.
  EXPECT_EQ(StaticHeaderName(absl::string_view("via\0", 4)), nullptr);
  EXPECT_NE(StaticHeaderName("via"), nullptr);
  EXPECT_EQ(StaticHeaderName("if-modified-sincf"), nullptr);
  EXPECT_EQ(StaticHeaderName("jf-modified-since"), nullptr);
}

}  // namespace
}  // namespace weft::http2
