#include "control-plane/kube/ca_root_gate.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "common/time/simulated_time_source.h"
#include "control-plane/kube/fake_api_transport.h"
#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

// Moves simulated time instead of waiting; runs `on_sleep` first.
class AdvancingSleeper : public Sleeper {
 public:
  explicit AdvancingSleeper(SimulatedTimeSource& time) : time_(time) {}
  bool SleepFor(absl::Duration d) override {
    if (on_sleep) on_sleep();
    time_.Advance(d);
    return true;
  }
  void Wake() override {}
  std::function<void()> on_sleep;

 private:
  SimulatedTimeSource& time_;
};

std::string HeldBy(const std::string& holder, int rv) {
  return absl::StrCat(R"({"metadata":{"resourceVersion":")", rv, R"("},"spec":{"holderIdentity":")",
                      holder, R"(","renewTime":"t)", rv, R"("}})");
}

class CaRootGateTest : public ::testing::Test {
 protected:
  CaRootGateTest() : dir_(absl::StrCat(std::getenv("TEST_TMPDIR"), "/", Name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  static std::string Name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  void WriteRoot() { std::ofstream(absl::StrCat(dir_, "/root-cert.pem")) << "pem"; }

  std::string dir_;
  SimulatedTimeSource time_;
  FakeApiTransport api_;
  AdvancingSleeper sleeper_{time_};
  LeaderElector elector_{{.identity = "cp-a"}, api_, sleeper_, time_};
  CaRootWait wait_{absl::Seconds(10), absl::Seconds(1)};
};

TEST_F(CaRootGateTest, AnExistingRootIsLoadedWithoutAsking) {
  WriteRoot();
  EXPECT_EQ(*AwaitCaRoot(dir_, elector_, sleeper_, time_, wait_), CaRootGate::kExists);
  EXPECT_TRUE(api_.paths().empty());
}

TEST_F(CaRootGateTest, TheLeaderCreatesIt) {
  api_.ReplyGet(404, "{}");
  api_.ReplyGet(201, "{}");
  EXPECT_EQ(*AwaitCaRoot(dir_, elector_, sleeper_, time_, wait_), CaRootGate::kLeader);
}

TEST_F(CaRootGateTest, AFollowerWaitsForTheRoot) {
  for (int i = 1; i <= 3; ++i) api_.ReplyGet(200, HeldBy("cp-b", i));
  int sleeps = 0;
  sleeper_.on_sleep = [&] {
    if (++sleeps == 2) WriteRoot();
  };
  EXPECT_EQ(*AwaitCaRoot(dir_, elector_, sleeper_, time_, wait_), CaRootGate::kExists);
  EXPECT_EQ(api_.paths().size(), 3u);
}

TEST_F(CaRootGateTest, GivesUpAfterTheWait) {
  for (int i = 1; i <= 20; ++i) api_.ReplyGet(200, HeldBy("cp-b", i));  // renewing all along
  absl::StatusOr<CaRootGate> gate = AwaitCaRoot(dir_, elector_, sleeper_, time_, wait_);
  EXPECT_EQ(gate.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(gate.status().message().find("following cp-b"), absl::string_view::npos)
      << gate.status();
}

}  // namespace
}  // namespace weft::control_plane::kube
