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
