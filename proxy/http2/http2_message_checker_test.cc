#include "proxy/http2/http2_message_checker.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace weft::http2 {
namespace {

using Side = Http2MessageChecker::Side;
using Verdict = Http2MessageChecker::Verdict;
using Fields = std::vector<std::pair<std::string, std::string>>;

// A message as received on one stream: a head (plus optional 1xx heads
// before it for responses), a body of `body` bytes, optional trailers.
struct Message {
  std::vector<Fields> interim;  // 1xx heads (responses only)
  Fields head;
  size_t body = 0;
  bool has_trailers = false;
  Fields trailers;
};

struct Outcome {
  std::vector<std::string> delivered;  // "name: value" of every field delivered
  bool reset = false;                  // RST_STREAM PROTOCOL_ERROR
  bool operator==(const Outcome& o) const { return delivered == o.delivered && reset == o.reset; }
};

std::string Describe(const Outcome& o) {
  return absl::StrCat(o.reset ? "reset" : "ok", " [", absl::StrJoin(o.delivered, " | "), "]");
}

// Runs `message` through Http2MessageChecker the way Http2Session drives it.
Outcome RunChecker(Side side, const Message& message, absl::string_view request_method) {
  Http2MessageChecker checker(side);
  if (side == Side::kClient) checker.OnRequestSent(request_method);
  Outcome out;
  const auto block = [&](const Fields& fields, bool end_stream) {
    checker.BeginHeaderBlock();
    for (const auto& [name, value] : fields) {
      const Verdict v = checker.OnField(name, value);
      if (v == Verdict::kReject) return false;
      if (v == Verdict::kAccept) out.delivered.push_back(absl::StrCat(name, ": ", value));
    }
    return checker.EndHeaderBlock(end_stream);
  };
  for (const Fields& f : message.interim) {
    if (!block(f, false)) {
      out.reset = true;
      return out;
    }
  }
  const bool head_ends = message.body == 0 && !message.has_trailers;
  if (!block(message.head, head_ends)) {
    out.reset = true;
    return out;
  }
  if (message.body > 0) {
    if (!checker.OnData(message.body) || (!message.has_trailers && !checker.OnRemoteEnd())) {
      out.reset = true;
      return out;
    }
  }
  if (message.has_trailers && !block(message.trailers, true)) out.reset = true;
  return out;
}

// --- The reference: nghttp2 itself with its HTTP messaging checks on -------

struct Peer {
  nghttp2_session* session = nullptr;
  Outcome outcome;
  int32_t stream_id = -1;
  ~Peer() { nghttp2_session_del(session); }
};

int OnHeaderCb(nghttp2_session*, const nghttp2_frame*, const uint8_t* name, size_t namelen,
               const uint8_t* value, size_t valuelen, uint8_t, void* user) {
  static_cast<Peer*>(user)->outcome.delivered.push_back(
      absl::StrCat(absl::string_view(reinterpret_cast<const char*>(name), namelen), ": ",
                   absl::string_view(reinterpret_cast<const char*>(value), valuelen)));
  return 0;
}

int OnFrameSendCb(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type == NGHTTP2_RST_STREAM && frame->rst_stream.error_code == NGHTTP2_PROTOCOL_ERROR) {
    static_cast<Peer*>(user)->outcome.reset = true;
  }
  return 0;
}

ssize_t BodyCb(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length,
               uint32_t* data_flags, nghttp2_data_source* source, void*) {
  auto* state = static_cast<std::pair<size_t, const Message*>*>(source->ptr);
  const size_t n = std::min(length, state->first);
  std::memset(buf, 'x', n);
  state->first -= n;
  if (state->first == 0) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (state->second->has_trailers) {
      *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      std::vector<nghttp2_nv> nv;
      for (const auto& [name, value] : state->second->trailers) {
        nv.push_back({(uint8_t*)name.data(), (uint8_t*)value.data(), name.size(), value.size(),
                      NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
      }
      nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
    }
  }
  return static_cast<ssize_t>(n);
}

std::vector<nghttp2_nv> Nv(const Fields& fields) {
  std::vector<nghttp2_nv> nv;
  for (const auto& [name, value] : fields) {
    // NO_COPY_NAME: nghttp2 would lower-case a copied name.
    nv.push_back({(uint8_t*)name.data(), (uint8_t*)value.data(), name.size(), value.size(),
                  NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
  }
  return nv;
}

void NewSession(Peer& peer, bool server, bool checks) {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_header_callback(cb, &OnHeaderCb);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, &OnFrameSendCb);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  nghttp2_option_set_no_http_messaging(opt, checks ? 0 : 1);
  if (server) {
    nghttp2_session_server_new2(&peer.session, cb, &peer, opt);
  } else {
    nghttp2_session_client_new2(&peer.session, cb, &peer, opt);
  }
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  nghttp2_submit_settings(peer.session, NGHTTP2_FLAG_NONE, nullptr, 0);
}

// Moves everything `from` produces into `to`.
void Pump(Peer& from, Peer& to) {
  for (int i = 0; i < 100; ++i) {
    const uint8_t* bytes = nullptr;
    const ssize_t n = nghttp2_session_mem_send(from.session, &bytes);
    if (n <= 0) return;
    ASSERT_EQ(nghttp2_session_mem_recv(to.session, bytes, static_cast<size_t>(n)), n);
  }
}

// What nghttp2 (HTTP messaging on) delivers and resets for `message`.
Outcome RunReference(Side side, const Message& message, const std::string& request_method) {
  Peer client, server;
  NewSession(client, /*server=*/false, /*checks=*/side == Side::kClient);
  NewSession(server, /*server=*/true, /*checks=*/side == Side::kServer);
  std::pair<size_t, const Message*> body{message.body, &message};
  nghttp2_data_provider provider{};
  provider.source.ptr = &body;
  provider.read_callback = &BodyCb;
  const bool body_follows = message.body > 0 || message.has_trailers;
  if (side == Side::kServer) {
    const auto nv = Nv(message.head);
    nghttp2_submit_request(client.session, nullptr, nv.data(), nv.size(),
                           body_follows ? &provider : nullptr, nullptr);
    Pump(client, server);
    Pump(server, client);  // SETTINGS ACK
    Pump(server, client);
    return server.outcome;
  }
  const Fields request = {{":method", request_method},
                          {":scheme", "http"},
                          {":path", "/"},
                          {":authority", "a.test"}};
  const auto request_nv = Nv(request);
  const int32_t id =
      nghttp2_submit_request(client.session, nullptr, request_nv.data(), request_nv.size(),
                             nullptr, nullptr);
  Pump(client, server);
  for (const Fields& f : message.interim) {
    const auto nv = Nv(f);
    nghttp2_submit_headers(server.session, NGHTTP2_FLAG_NONE, id, nullptr, nv.data(), nv.size(),
                           nullptr);
  }
  const auto nv = Nv(message.head);
  nghttp2_submit_response(server.session, id, nv.data(), nv.size(),
                          body_follows ? &provider : nullptr);
  Pump(server, client);
  Pump(client, server);  // the client's RST_STREAM, if any
  return client.outcome;
}

void ExpectSameAsNghttp2(Side side, const Message& message, const std::string& method = "GET") {
  const Outcome ours = RunChecker(side, message, method);
  const Outcome reference = RunReference(side, message, method);
  std::vector<std::string> head;
  for (const auto& [n, v] : message.head) head.push_back(absl::StrCat(n, ": ", v));
  EXPECT_EQ(ours, reference) << (side == Side::kServer ? "request" : "response") << " head ["
                             << absl::StrJoin(head, " | ") << "] body " << message.body
                             << (message.has_trailers ? " +trailers" : "") << " method "
                             << method << "\n  ours:    " << Describe(ours)
                             << "\n  nghttp2: " << Describe(reference);
}

Fields Request(Fields extra = {}) {
  Fields f = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a.test"}};
  f.insert(f.end(), extra.begin(), extra.end());
  return f;
}

Fields Response(Fields extra = {}, std::string status = "200") {
  Fields f = {{":status", status}};
  f.insert(f.end(), extra.begin(), extra.end());
  return f;
}

Outcome Req(Fields head, size_t body = 0) {
  Message m;
  m.head = std::move(head);
  m.body = body;
  return RunChecker(Side::kServer, m, "");
}

Outcome Resp(Fields head, size_t body = 0, const std::string& method = "GET") {
  Message m;
  m.head = std::move(head);
  m.body = body;
  return RunChecker(Side::kClient, m, method);
}

// --- One rule at a time, both directions ------------------------------------

TEST(Http2MessageCheckerTest, ValidMessagesPass) {
  EXPECT_FALSE(Req(Request({{"accept", "*/*"}})).reset);
  EXPECT_EQ(Req(Request({{"accept", "*/*"}})).delivered.size(), 5u);
  EXPECT_FALSE(Resp(Response({{"server", "x"}})).reset);
}

TEST(Http2MessageCheckerTest, UpperCaseNameResets) {
  EXPECT_TRUE(Req(Request({{"Accept", "x"}})).reset);
  EXPECT_TRUE(Resp(Response({{"Server", "x"}})).reset);
}

TEST(Http2MessageCheckerTest, OtherBadNameCharactersReset) {
  for (const char* name : {"a b", "a:b", "a\x01", "\x80", "a\"b"}) {
    EXPECT_TRUE(Req(Request({{name, "x"}})).reset) << name;
    EXPECT_TRUE(Resp(Response({{name, "x"}})).reset) << name;
  }
}

TEST(Http2MessageCheckerTest, BadValueBytesReset) {
  for (const char* bad : {"a\rb", "a\nb", "a\x7f", "\x01", "a\x1f"}) {
    EXPECT_TRUE(Req(Request({{"x", bad}})).reset) << bad;
    EXPECT_TRUE(Resp(Response({{"x", bad}})).reset) << bad;
  }
  Fields nul = Request();
  nul.push_back({"x", std::string("a\0b", 3)});
  EXPECT_TRUE(Req(nul).reset);
  EXPECT_EQ(Req(Request({{"x", "a\tb\x80\xff"}})).delivered.size(), 5u);  // HTAB, obs-text
  EXPECT_EQ(Resp(Response({{"x", ""}})).delivered.size(), 2u);             // empty is fine
}

TEST(Http2MessageCheckerTest, LeadingOrTrailingWhitespaceResets) {
  EXPECT_TRUE(Req(Request({{"x", " a"}})).reset);
  EXPECT_TRUE(Req(Request({{"x", "a\t"}})).reset);
  EXPECT_TRUE(Resp(Response({{"x", "a "}})).reset);
  EXPECT_FALSE(Req(Request({{"x", "a b"}})).reset);
}

TEST(Http2MessageCheckerTest, BadPseudoHeaderValueResets) {
  EXPECT_TRUE(Req({{":method", "G T"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "1http"}, {":path", "/"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "/a b"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a b"}}).reset);
  EXPECT_TRUE(Resp({{":status", "2x0"}}).reset);
  EXPECT_TRUE(Resp({{":status", "20"}}).reset);
  EXPECT_TRUE(Resp({{":status", "101"}}).reset);
}

TEST(Http2MessageCheckerTest, MissingPseudoHeadersReset) {
  EXPECT_TRUE(Req({{":scheme", "http"}, {":path", "/"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":path", "/"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}}).reset);
  EXPECT_FALSE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"host", "a"}}).reset);
  EXPECT_TRUE(Resp({{"server", "x"}}).reset);
}

TEST(Http2MessageCheckerTest, DuplicateOrEmptyPseudoHeadersReset) {
  EXPECT_TRUE(Req(Request({{":path", "/b"}})).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", ""}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", ""}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req(Request({{"host", "a"}, {"host", "b"}})).reset);
  EXPECT_TRUE(Resp({{":status", "200"}, {":status", "200"}}).reset);
}

TEST(Http2MessageCheckerTest, PseudoHeaderAfterRegularFieldResets) {
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {"x", "1"}, {":path", "/"},
                   {":authority", "a"}}).reset);
  EXPECT_TRUE(Resp({{"x", "1"}, {":status", "200"}}).reset);
}

TEST(Http2MessageCheckerTest, UnknownPseudoHeadersReset) {
  EXPECT_TRUE(Req(Request({{":foo", "x"}})).reset);
  EXPECT_TRUE(Req(Request({{":protocol", "websocket"}})).reset);
  EXPECT_TRUE(Req(Request({{":status", "200"}})).reset);
  EXPECT_TRUE(Resp({{":status", "200"}, {":path", "/"}}).reset);
}

TEST(Http2MessageCheckerTest, ConnectionSpecificFieldsReset) {
  for (const char* name : {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                           "upgrade"}) {
    EXPECT_TRUE(Req(Request({{name, "x"}})).reset) << name;
    EXPECT_TRUE(Resp(Response({{name, "x"}})).reset) << name;
  }
  EXPECT_FALSE(Req(Request({{"te", "Trailers"}})).reset);
  EXPECT_TRUE(Req(Request({{"te", "gzip"}})).reset);
  EXPECT_TRUE(Resp(Response({{"te", "gzip"}})).reset);
}

TEST(Http2MessageCheckerTest, PathRules) {
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "http"}, {":path", "a"}, {":authority", "a"}}).reset);
  EXPECT_TRUE(Req({{":method", "GET"}, {":scheme", "https"}, {":path", "*"}, {":authority", "a"}}).reset);
  EXPECT_FALSE(Req({{":method", "OPTIONS"}, {":scheme", "http"}, {":path", "*"}, {":authority", "a"}}).reset);
  EXPECT_FALSE(Req({{":method", "GET"}, {":scheme", "foo"}, {":path", "a"}, {":authority", "a"}}).reset);
}

TEST(Http2MessageCheckerTest, ConnectRules) {
  EXPECT_FALSE(Req({{":method", "CONNECT"}, {":authority", "a:443"}}, 10).reset);  // no length
  EXPECT_TRUE(Req({{":method", "CONNECT"}, {":authority", "a:443"}, {":path", "/"}}).reset);
  EXPECT_TRUE(Req({{":method", "CONNECT"}, {":authority", "a:443"}, {":scheme", "http"}}).reset);
  EXPECT_TRUE(Req({{":method", "CONNECT"}, {"host", "a:443"}}).reset);
  // A 2xx answer to CONNECT has no content-length (dropped) and any body.
  const Outcome r = Resp(Response({{"content-length", "3"}}), 10, "CONNECT");
  EXPECT_FALSE(r.reset);
  EXPECT_EQ(r.delivered.size(), 1u);
}

TEST(Http2MessageCheckerTest, ContentLengthMustMatchTheBody) {
  EXPECT_FALSE(Req(Request({{"content-length", "5"}}), 5).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "5"}}), 4).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "5"}}), 6).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "5"}}), 0).reset);
  EXPECT_FALSE(Resp(Response({{"content-length", "5"}}), 5).reset);
  EXPECT_TRUE(Resp(Response({{"content-length", "5"}}), 6).reset);
  EXPECT_TRUE(Resp(Response({{"content-length", "5"}}), 0).reset);
}

TEST(Http2MessageCheckerTest, ContentLengthSyntaxAndDuplicates) {
  EXPECT_TRUE(Req(Request({{"content-length", "5x"}}), 5).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "-1"}}), 0).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "99999999999999999999"}}), 0).reset);
  EXPECT_TRUE(Req(Request({{"content-length", "1"}, {"content-length", "1"}}), 1).reset);
  EXPECT_TRUE(Resp(Response({{"content-length", "1"}, {"content-length", "1"}}), 1).reset);
  EXPECT_TRUE(Req(Request({{"content-length", " 5"}}), 5).reset);
}

TEST(Http2MessageCheckerTest, NoBodyAfterHeadOr204Or304) {
  EXPECT_TRUE(Resp(Response(), 1, "HEAD").reset);
  EXPECT_FALSE(Resp(Response({{"content-length", "10"}}), 0, "HEAD").reset);
  EXPECT_TRUE(Resp(Response({}, "204"), 1).reset);
  EXPECT_TRUE(Resp(Response({}, "304"), 1).reset);
  const Outcome zero = Resp(Response({{"content-length", "0"}}, "204"));
  EXPECT_FALSE(zero.reset);
  EXPECT_EQ(zero.delivered.size(), 1u);  // content-length: 0 left out
  EXPECT_TRUE(Resp(Response({{"content-length", "1"}}, "204")).reset);
}

TEST(Http2MessageCheckerTest, InterimResponses) {
  Message m;
  m.interim.push_back(Response({}, "100"));
  m.head = Response({{"content-length", "2"}});
  m.body = 2;
  EXPECT_FALSE(RunChecker(Side::kClient, m, "GET").reset);
  Message cl1xx;
  cl1xx.interim.push_back(Response({{"content-length", "0"}}, "103"));
  cl1xx.head = Response();
  EXPECT_TRUE(RunChecker(Side::kClient, cl1xx, "GET").reset);
  // No DATA and no end of stream before the final head.
  Http2MessageChecker c(Side::kClient);
  c.BeginHeaderBlock();
  EXPECT_EQ(c.OnField(":status", "100"), Verdict::kAccept);
  EXPECT_TRUE(c.EndHeaderBlock(false));
  EXPECT_FALSE(c.OnData(1));
  Http2MessageChecker end(Side::kClient);
  end.BeginHeaderBlock();
  EXPECT_EQ(end.OnField(":status", "100"), Verdict::kAccept);
  EXPECT_FALSE(end.EndHeaderBlock(true));
}

TEST(Http2MessageCheckerTest, TrailersEndTheStreamAndHaveNoPseudoHeaders) {
  for (Side side : {Side::kServer, Side::kClient}) {
    Message m;
    m.head = side == Side::kServer ? Request() : Response();
    m.body = 1;
    m.has_trailers = true;
    m.trailers = {{"grpc-status", "0"}};
    EXPECT_FALSE(RunChecker(side, m, "GET").reset);
    m.trailers = {{":path", "/"}};
    EXPECT_TRUE(RunChecker(side, m, "GET").reset);
    m.trailers = {{"connection", "close"}};
    EXPECT_TRUE(RunChecker(side, m, "GET").reset);
    Http2MessageChecker c(side);
    c.BeginHeaderBlock();
    for (const auto& [n, v] : m.head) c.OnField(n, v);
    ASSERT_TRUE(c.EndHeaderBlock(false));
    c.BeginHeaderBlock();
    EXPECT_EQ(c.OnField("x", "1"), Verdict::kAccept);
    EXPECT_FALSE(c.EndHeaderBlock(/*end_stream=*/false));
  }
}

TEST(Http2MessageCheckerTest, ValueFastPathAgreesWithNghttp2ForEveryByteAndPosition) {
  for (int b = 0; b < 256; ++b) {
    // Every way a byte can sit in the 16-byte blocks: short strings, two
    // overlapping words (8..15), whole blocks, an overlapping last block.
    for (size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 23u, 31u, 32u, 33u}) {
      for (size_t pos = 0; pos < len; ++pos) {
        std::string v(len, 'a');
        v[pos] = static_cast<char>(b);
        const bool expected = nghttp2_check_header_value_rfc9113(
                                  reinterpret_cast<const uint8_t*>(v.data()), v.size()) != 0;
        ASSERT_EQ(Http2MessageChecker::ValidValue(v), expected) << b << " " << len << " " << pos;
        std::string name(len, 'x');
        name[len / 2] = '-';
        name[len - 1] = '7';
        name[pos] = static_cast<char>(b);
        ASSERT_EQ(Http2MessageChecker::ValidName(name),
                  nghttp2_check_header_name(reinterpret_cast<const uint8_t*>(name.data()),
                                            name.size()) != 0)
            << b << " " << len << " " << pos;
      }
    }
  }
  EXPECT_TRUE(Http2MessageChecker::ValidValue(""));
  EXPECT_FALSE(Http2MessageChecker::ValidName(""));
  EXPECT_FALSE(Http2MessageChecker::ValidName(":"));
}

// Http2Session skips the character checks for strings of the HPACK static
// table (RFC 7541 appendix A): they must all pass them.
TEST(Http2MessageCheckerTest, HpackStaticTableStringsAreValid) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"},
      {":path", "/index.html"}, {":scheme", "http"}, {":scheme", "https"}, {":status", "200"},
      {":status", "204"}, {":status", "206"}, {":status", "304"}, {":status", "400"},
      {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
      {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""},
      {"accept", ""}, {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""},
      {"authorization", ""}, {"cache-control", ""}, {"content-disposition", ""},
      {"content-encoding", ""}, {"content-language", ""}, {"content-length", ""},
      {"content-location", ""}, {"content-range", ""}, {"content-type", ""}, {"cookie", ""},
      {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
      {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
      {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""},
      {"max-forwards", ""}, {"proxy-authenticate", ""}, {"proxy-authorization", ""},
      {"range", ""}, {"referer", ""}, {"refresh", ""}, {"retry-after", ""}, {"server", ""},
      {"set-cookie", ""}, {"strict-transport-security", ""}, {"transfer-encoding", ""},
      {"user-agent", ""}, {"vary", ""}, {"via", ""}, {"www-authenticate", ""}};
  ASSERT_EQ(table.size(), 61u);
  for (const auto& [name, value] : table) {
    EXPECT_TRUE(Http2MessageChecker::ValidName(name)) << name;
    EXPECT_TRUE(Http2MessageChecker::ValidValue(value)) << name << ": " << value;
    const auto* v = reinterpret_cast<const uint8_t*>(value.data());
    if (name == ":method") {
      EXPECT_TRUE(nghttp2_check_method(v, value.size()));
    }
    if (name == ":path") {
      EXPECT_TRUE(nghttp2_check_path(v, value.size()));
    }
  }
}

TEST(Http2MessageCheckerTest, StaticStringsSkipOnlyTheCharacterChecks) {
  Http2MessageChecker c(Side::kServer);
  c.BeginHeaderBlock();
  EXPECT_EQ(c.OnField(":authority", "", true, true), Verdict::kReject);  // still not empty
  Http2MessageChecker te(Side::kServer);
  te.BeginHeaderBlock();
  EXPECT_EQ(te.OnField("transfer-encoding", "chunked", true, false), Verdict::kReject);
  EXPECT_EQ(te.OnField("x", "a\rb", false, false), Verdict::kReject);
}

// --- Differential: the same outcome as nghttp2's own checks -----------------

TEST(Http2MessageCheckerTest, SameOutcomeAsNghttp2ForEachRule) {
  const std::vector<std::string> methods = {"GET", "HEAD", "CONNECT", "OPTIONS", "G T", ""};
  const std::vector<std::string> paths = {"/", "/a?b", "*", "a", "", " ", "/a b", "/\x7f"};
  const std::vector<std::string> schemes = {"http", "HTTPS", "ftp", "1x", "", "ht tp"};
  const std::vector<std::string> authorities = {"a.test", "a:1", "", " ", "a b", "[::1]:8",
                                                "a\x01"};
  for (const auto& m : methods) {
    for (const auto& p : paths) {
      for (const auto& s : schemes) {
        Message msg;
        msg.head = {{":method", m}, {":scheme", s}, {":path", p}, {":authority", "a"}};
        ExpectSameAsNghttp2(Side::kServer, msg);
      }
    }
  }
  for (const auto& a : authorities) {
    Message msg;
    msg.head = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", a}};
    ExpectSameAsNghttp2(Side::kServer, msg);
    msg.head = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"host", a}};
    ExpectSameAsNghttp2(Side::kServer, msg);
    msg.head = {{":method", "CONNECT"}, {":authority", a}};
    ExpectSameAsNghttp2(Side::kServer, msg);
    msg.head = Response({{"host", a}});
    ExpectSameAsNghttp2(Side::kClient, msg);
  }
  for (const auto& status : std::vector<std::string>{"200", "204", "304", "100", "103", "101",
                                                     "20", "2000", "abc", " 20", ""}) {
    for (const std::string method : {"GET", "HEAD", "CONNECT"}) {
      for (size_t body : {0u, 3u}) {
        for (const std::string cl : {"", "0", "3", "4", "x"}) {
          Message msg;
          msg.head = Response({}, status);
          if (!cl.empty()) msg.head.push_back({"content-length", cl});
          msg.body = body;
          ExpectSameAsNghttp2(Side::kClient, msg, method);
        }
      }
    }
  }
}

TEST(Http2MessageCheckerTest, SameOutcomeAsNghttp2AfterInterimResponses) {
  for (const std::string interim : {"100", "103", "200"}) {
    for (const std::string final_status : {"200", "204", "100"}) {
      for (const std::string cl : {"", "0", "2"}) {
        for (size_t body : {0u, 2u}) {
          for (bool trailers : {false, true}) {
            Message msg;
            msg.interim.push_back(Response(cl == "2" ? Fields{{"content-length", "0"}} : Fields{},
                                           interim));
            msg.head = Response({}, final_status);
            if (!cl.empty()) msg.head.push_back({"content-length", cl});
            msg.body = body;
            msg.has_trailers = trailers;
            msg.trailers = {{"x", "1"}};
            ExpectSameAsNghttp2(Side::kClient, msg);
          }
        }
      }
    }
  }
}

TEST(Http2MessageCheckerTest, SameOutcomeAsNghttp2ForRandomFields) {
  const std::vector<std::string> names = {
      "accept", "x", "Content-Length", "content-length", "te", "connection", "keep-alive",
      "proxy-connection", "transfer-encoding", "upgrade", "host", ":path", ":method", ":scheme",
      ":authority", ":status", ":protocol", ":foo", ":", "a b", "a\x01", "X-Up", "grpc-status",
      "a:b", "\x80", ""};
  const std::vector<std::string> values = {
      "1", "0", "5", "trailers", "Trailers", "gzip", "/", "a b", " a", "a ", "\t", "",
      "a\tb", "a\rb", "a\nb", std::string("a\0b", 3), "\x7f", "\xff\x80", "12345678901234567",
      "abcdefgh\x01", "http", "GET"};
  std::mt19937 rng(20261126);  // fixed: deterministic
  for (int i = 0; i < 1500; ++i) {
    for (Side side : {Side::kServer, Side::kClient}) {
      Message msg;
      msg.head = side == Side::kServer ? Request() : Response();
      // Regular or pseudo fields, anywhere (even before the pseudo-headers).
      const int extra = static_cast<int>(rng() % 4);
      for (int k = 0; k < extra; ++k) {
        std::pair<std::string, std::string> f = {names[rng() % names.size()],
                                                 values[rng() % values.size()]};
        if (f.first.empty()) continue;  // nghttp2 cannot send an empty name
        msg.head.insert(msg.head.begin() + static_cast<long>(rng() % (msg.head.size() + 1)), f);
      }
      msg.body = rng() % 3 == 0 ? rng() % 7 : 0;
      if (rng() % 4 == 0) {
        msg.has_trailers = true;
        msg.trailers = {{names[rng() % names.size()], values[rng() % values.size()]}};
        if (msg.trailers[0].first.empty()) msg.trailers[0].first = "x";
      }
      ExpectSameAsNghttp2(side, msg, rng() % 5 == 0 ? "HEAD" : "GET");
      if (::testing::Test::HasFailure()) return;  // one clear report
    }
  }
}

}  // namespace
}  // namespace weft::http2
