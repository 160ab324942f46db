#include "proxy/upstream/health_checker.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"
#include "proxy/testing/socket_peer.h"

namespace weft::upstream {
namespace {

using ::weft::testing::LoopbackListener;
using ::weft::testing::SocketPeer;

class HealthCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.enabled = true;
    options_.interval = absl::Seconds(5);
    options_.timeout = absl::Seconds(1);
    options_.healthy_threshold = 2;
    options_.unhealthy_threshold = 3;
  }

  void UseEndpoints(const std::vector<int>& ports) {
    std::vector<EndpointInfo> infos;
    for (int p : ports) infos.push_back({absl::StrCat("127.0.0.1:", p), "", 1});
    ASSERT_TRUE(set_.Update(infos).ok());
  }

  // One interval: every probe runs once (answered by `answer` when it connects).
  void RunOneInterval(LoopbackListener* listener, const std::string& answer) {
    for (int step = 0; step < 11; ++step) {
      dispatcher_.AdvanceTime(absl::Milliseconds(500));
      if (listener == nullptr) continue;
      for (SocketPeer p = listener->Accept(); p.valid(); p = listener->Accept()) {
        dispatcher_.RunUntilIdle();
        p.ReadAvailable();
        if (!answer.empty()) p.Write(answer);
        dispatcher_.RunUntilIdle();
        peers_.push_back(std::move(p));
      }
    }
  }

  testing::FakeDispatcher dispatcher_;
  FixedRandom random_{{500, 250, 750}};
  config::HealthCheck options_;
  EndpointSet set_;
  std::vector<SocketPeer> peers_;
};

TEST_F(HealthCheckerTest, TcpCheckMarksADeadEndpointUnhealthyAfterTheThreshold) {
  LoopbackListener alive;
  const int dead = testing::UnusedLoopbackPort();
  UseEndpoints({alive.port(), dead});
  HealthChecker checker(dispatcher_, options_, "svc", set_, random_);
  RunOneInterval(&alive, "");
  RunOneInterval(&alive, "");
  EXPECT_TRUE(set_.healthy(1));  // two failures: not yet
  RunOneInterval(&alive, "");
  EXPECT_TRUE(set_.healthy(0));
  EXPECT_FALSE(set_.healthy(1));
  EXPECT_GE(checker.failures(), 3u);
}

TEST_F(HealthCheckerTest, HttpCheckNeedsA2xxAndRecoversAfterTheHealthyThreshold) {
  options_.http_path = "/healthz";
  LoopbackListener backend;
  UseEndpoints({backend.port()});
  HealthChecker checker(dispatcher_, options_, "svc", set_, random_);
  for (int i = 0; i < 3; ++i) {
    RunOneInterval(&backend, "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
  }
  EXPECT_FALSE(set_.healthy(0));
  RunOneInterval(&backend, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
  EXPECT_FALSE(set_.healthy(0));  // one success: not yet
  RunOneInterval(&backend, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
  EXPECT_TRUE(set_.healthy(0));
}

TEST_F(HealthCheckerTest, AnEndpointThatDoesNotAnswerTimesOut) {
  options_.http_path = "/healthz";
  LoopbackListener silent;
  UseEndpoints({silent.port()});
  HealthChecker checker(dispatcher_, options_, "svc", set_, random_);
  for (int i = 0; i < 3; ++i) RunOneInterval(&silent, /*answer=*/"");
  EXPECT_FALSE(set_.healthy(0));
}

TEST_F(HealthCheckerTest, ProbesFollowTheEndpointList) {
  LoopbackListener a;
  const int dead = testing::UnusedLoopbackPort();
  UseEndpoints({dead});
  HealthChecker checker(dispatcher_, options_, "svc", set_, random_);
  for (int i = 0; i < 3; ++i) RunOneInterval(nullptr, "");
  EXPECT_FALSE(set_.healthy(0));
  UseEndpoints({a.port()});  // the dead one left
  checker.OnEndpointsChanged();
  const uint64_t failures = checker.failures();
  RunOneInterval(&a, "");
  EXPECT_EQ(checker.failures(), failures);  // nobody probes the dead endpoint any more
  EXPECT_TRUE(set_.healthy(0));
}

}  // namespace
}  // namespace weft::upstream
