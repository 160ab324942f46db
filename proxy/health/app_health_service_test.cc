#include "proxy/health/app_health_service.h"

#include <optional>
#include <string>

#include "common/testing/fake_dispatcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/testing/socket_peer.h"

namespace weft::health {
namespace {

using ::testing::HasSubstr;
using ::weft::testing::LoopbackListener;
using ::weft::testing::SocketPeer;

class AppHealthServiceTest : public ::testing::Test {
 protected:
  AppProbe HttpProbe(int port) {
    AppProbe p;
    p.action = AppProbe::Action::kHttpGet;
    p.port = static_cast<uint16_t>(port);
    p.path = "/healthz";
    p.headers = {{"X-Probe", "yes"}};
    p.timeout = absl::Seconds(2);
    return p;
  }
  AppProbe TcpProbe(int port) {
    AppProbe p;
    p.port = static_cast<uint16_t>(port);
    return p;
  }

  // Asks for `path`; the answer lands in answer_.
  void Ask(AppHealthService& service, const std::string& path) {
    answer_.reset();
    answers_ = 0;
    service.Handle(path, [this](admin::AdminResponse r) {
      answer_ = std::move(r);
      ++answers_;
    });
    dispatcher_.RunUntilIdle();
  }

  // The app's side of the probe's connection: the request it got.
  std::string AppReads(LoopbackListener& app) {
    peer_ = app.Accept();
    EXPECT_TRUE(peer_.valid());
    dispatcher_.RunUntilIdle();
    return peer_.ReadAvailable();
  }

  testing::FakeDispatcher dispatcher_;
  std::optional<admin::AdminResponse> answer_;
  int answers_ = 0;
  SocketPeer peer_;
};

TEST_F(AppHealthServiceTest, HttpProbeIs200WhenTheAppAnswers2xx) {
  LoopbackListener app;
  AppHealthService service(dispatcher_, {{"/app-health/web/readyz", HttpProbe(app.port())}});
  Ask(service, "/app-health/web/readyz");
  EXPECT_FALSE(answer_.has_value());
  const std::string request = AppReads(app);
  EXPECT_THAT(request, HasSubstr("GET /healthz HTTP/1.1\r\n"));
  EXPECT_THAT(request, HasSubstr("X-Probe: yes\r\n"));
  peer_.Write("HTTP/1.1 204 No Content\r\n\r\n");
  dispatcher_.RunUntilIdle();
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 200);
  EXPECT_THAT(answer_->body, HasSubstr("answered 204"));
  EXPECT_EQ(service.checks_in_flight(), 0u);
}

TEST_F(AppHealthServiceTest, HttpProbeIs503WithTheAppsStatusOtherwise) {
  LoopbackListener app;
  AppHealthService service(dispatcher_, {{"/app-health/web/livez", HttpProbe(app.port())}});
  Ask(service, "/app-health/web/livez");
  AppReads(app);
  peer_.Write("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n");
  dispatcher_.RunUntilIdle();
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 503);
  EXPECT_THAT(answer_->body, HasSubstr("the app answered 500 to GET /healthz"));
}

TEST_F(AppHealthServiceTest, ClosedPortIs503) {
  const int dead = testing::UnusedLoopbackPort();
  AppHealthService service(dispatcher_, {{"/app-health/web/readyz", HttpProbe(dead)},
                                         {"/app-health/web/livez", TcpProbe(dead)}});
  for (const char* path : {"/app-health/web/readyz", "/app-health/web/livez"}) {
    Ask(service, path);
    ASSERT_TRUE(answer_.has_value()) << path;
    EXPECT_EQ(answer_->status, 503);
    EXPECT_THAT(answer_->body, HasSubstr("cannot connect to 127.0.0.1:"));
  }
}

TEST_F(AppHealthServiceTest, SilentAppTimesOutOnSimulatedTime) {
  LoopbackListener app;
  AppHealthService service(dispatcher_, {{"/app-health/web/readyz", HttpProbe(app.port())}});
  Ask(service, "/app-health/web/readyz");
  AppReads(app);
  dispatcher_.AdvanceTime(absl::Milliseconds(1900));
  EXPECT_FALSE(answer_.has_value());
  dispatcher_.AdvanceTime(absl::Milliseconds(200));
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 503);
  EXPECT_THAT(answer_->body, HasSubstr("no answer from 127.0.0.1:"));
  EXPECT_THAT(answer_->body, HasSubstr("within 2s"));
}

TEST_F(AppHealthServiceTest, TcpProbeIs200OnceConnected) {
  LoopbackListener app;
  AppProbe https = HttpProbe(app.port());
  https.https = true;
  AppHealthService service(dispatcher_, {{"/app-health/web/livez", TcpProbe(app.port())},
                                         {"/app-health/web/startupz", https}});
  for (const char* path : {"/app-health/web/livez", "/app-health/web/startupz"}) {
    Ask(service, path);
    ASSERT_TRUE(answer_.has_value()) << path;
    EXPECT_EQ(answer_->status, 200);
    EXPECT_THAT(answer_->body, HasSubstr("connected to 127.0.0.1:"));
  }
}

// ---- gRPC probes: the app's side is scripted HTTP/2 frames ----

// One HTTP/2 frame: 9-byte header, then the payload.
std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string f;
  f.push_back(static_cast<char>(payload.size() >> 16));
  f.push_back(static_cast<char>(payload.size() >> 8));
  f.push_back(static_cast<char>(payload.size()));
  f.push_back(static_cast<char>(type));
  f.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) f.push_back(static_cast<char>(stream >> shift));
  return f + payload;
}
// An HPACK literal field without indexing, new name (RFC 7541 6.2.2).
std::string Literal(const std::string& name, const std::string& value) {
  return std::string(1, '\0') + static_cast<char>(name.size()) + name +
         static_cast<char>(value.size()) + value;
}
constexpr uint8_t kData = 0, kHeaders = 1, kSettings = 4;
constexpr uint8_t kEndStream = 1, kAck = 1, kEndHeaders = 4;
const std::string kStatus200 = "\x88";  // HPACK static table entry 8, :status 200

// A gRPC server's answer on stream 1: its SETTINGS and an ACK of the
// client's, 200 + content-type, the message, and the trailers.
std::string GrpcAnswer(const std::string& message, const std::string& grpc_status) {
  std::string framed(5, '\0');
  framed[4] = static_cast<char>(message.size());
  return Frame(kSettings, 0, 0, "") + Frame(kSettings, kAck, 0, "") +
         Frame(kHeaders, kEndHeaders, 1, kStatus200 + Literal("content-type", "application/grpc")) +
         Frame(kData, 0, 1, framed + message) +
         Frame(kHeaders, kEndHeaders | kEndStream, 1, Literal("grpc-status", grpc_status));
}

AppProbe GrpcProbe(int port, const std::string& service) {
  AppProbe p;
  p.action = AppProbe::Action::kGrpc;
  p.port = static_cast<uint16_t>(port);
  p.service = service;
  return p;
}

TEST_F(AppHealthServiceTest, GrpcProbeIs200WhenTheAppIsServing) {
  LoopbackListener app;
  AppHealthService service(dispatcher_, {{"/app-health/api/readyz", GrpcProbe(app.port(), "api")}});
  Ask(service, "/app-health/api/readyz");
  const std::string request = AppReads(app);
  EXPECT_EQ(request.substr(0, 24), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  // The DATA frame carries the HealthCheckRequest for service "api", unencoded.
  EXPECT_THAT(request, HasSubstr(std::string("\0\0\0\0\x05\x0a\x03" "api", 10)));
  peer_.Write(GrpcAnswer("\x08\x01", "0"));
  dispatcher_.RunUntilIdle();
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 200);
  EXPECT_THAT(answer_->body, HasSubstr("gRPC health of \"api\" at 127.0.0.1:"));
  EXPECT_THAT(answer_->body, HasSubstr(": SERVING"));
  EXPECT_EQ(service.checks_in_flight(), 0u);
}

TEST_F(AppHealthServiceTest, GrpcProbeIs503ForEveryOtherAnswer) {
  struct Case {
    std::string answer;
    const char* expect;
  };
  const Case cases[] = {
      {GrpcAnswer("\x08\x02", "0"), ": NOT_SERVING"},
      {GrpcAnswer("", "0"), ": UNKNOWN"},
      // Trailers-only: the service is not registered.
      {Frame(kSettings, 0, 0, "") +
           Frame(kHeaders, kEndHeaders | kEndStream, 1,
                 kStatus200 + Literal("grpc-status", "5") + Literal("grpc-message", "unknown service")),
       "grpc-status 5: unknown service"},
      {GrpcAnswer("\x08", "0"), "truncated varint"},
      {"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n", "not valid HTTP/2"},
  };
  for (const Case& c : cases) {
    LoopbackListener app;
    AppHealthService service(dispatcher_, {{"/app-health/api/livez", GrpcProbe(app.port(), "")}});
    Ask(service, "/app-health/api/livez");
    AppReads(app);
    peer_.Write(c.answer);
    dispatcher_.RunUntilIdle();
    ASSERT_TRUE(answer_.has_value()) << c.expect;
    EXPECT_EQ(answer_->status, 503) << answer_->body;
    EXPECT_THAT(answer_->body, HasSubstr("gRPC health of the server")) << c.expect;
    EXPECT_THAT(answer_->body, HasSubstr(c.expect));
    EXPECT_EQ(answers_, 1);
  }
}

TEST_F(AppHealthServiceTest, GrpcProbeIs503WhenTheAppHangsUpOrIsSilent) {
  LoopbackListener app;
  AppProbe probe = GrpcProbe(app.port(), "");
  probe.timeout = absl::Seconds(3);
  AppHealthService service(dispatcher_, {{"/app-health/api/livez", probe}});
  Ask(service, "/app-health/api/livez");
  AppReads(app);
  peer_.Close();
  dispatcher_.RunUntilIdle();
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 503);
  EXPECT_THAT(answer_->body, HasSubstr("closed the connection without answering"));

  Ask(service, "/app-health/api/livez");
  AppReads(app);
  dispatcher_.AdvanceTime(absl::Seconds(3));
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 503);
  EXPECT_THAT(answer_->body, HasSubstr("within 3s"));
}

TEST_F(AppHealthServiceTest, UnknownProbeIs404NamingIt) {
  AppHealthService service(dispatcher_, {{"/app-health/web/readyz", TcpProbe(1)}});
  Ask(service, "/app-health/api/readyz");
  ASSERT_TRUE(answer_.has_value());
  EXPECT_EQ(answer_->status, 404);
  EXPECT_THAT(answer_->body, HasSubstr("no app probe /app-health/api/readyz"));
  EXPECT_THAT(answer_->body, HasSubstr("has: /app-health/web/readyz"));
}

TEST_F(AppHealthServiceTest, ChecksInFlightAreDroppedWithTheService) {
  LoopbackListener app;
  {
    AppHealthService service(dispatcher_, {{"/app-health/web/readyz", HttpProbe(app.port())}});
    Ask(service, "/app-health/web/readyz");
    EXPECT_EQ(service.checks_in_flight(), 1u);
  }
  dispatcher_.AdvanceTime(absl::Seconds(5));
  EXPECT_EQ(answers_, 0);
}

}  // namespace
}  // namespace weft::health
