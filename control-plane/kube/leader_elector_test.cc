#include "control-plane/kube/leader_elector.h"

#include "absl/strings/str_cat.h"
#include "common/time/simulated_time_source.h"
#include "control-plane/kube/fake_api_transport.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

constexpr char kLease[] =
    "/apis/coordination.k8s.io/v1/namespaces/weft-system/leases/mesh-control-plane";

std::string Lease(const std::string& holder, const std::string& renew, const std::string& rv,
                  int transitions = 0) {
  return absl::StrCat(R"({"metadata":{"name":"mesh-control-plane","resourceVersion":")", rv,
                      R"("},"spec":{"holderIdentity":")", holder,
                      R"(","leaseDurationSeconds":15,"renewTime":")", renew,
                      R"(","leaseTransitions":)", transitions, "}}");
}

class NeverSleeps : public Sleeper {
 public:
  bool SleepFor(absl::Duration) override { return false; }
  void Wake() override {}
};

class LeaderElectorTest : public ::testing::Test {
 protected:
  FakeApiTransport api;
  NeverSleeps sleeper;
  SimulatedTimeSource time;
  LeaderElector elector{{.identity = "cp-a"}, api, sleeper, time};
};

TEST_F(LeaderElectorTest, CreatesAMissingLeaseAndLeads) {
  api.ReplyGet(404, "{}");
  api.ReplyGet(201, "{}");
  elector.Step();
  EXPECT_TRUE(elector.IsLeader());
  EXPECT_EQ(elector.Describe(), "leader");
  ASSERT_EQ(api.paths(), (std::vector<std::string>{
                             absl::StrCat("GET ", kLease),
                             "POST /apis/coordination.k8s.io/v1/namespaces/weft-system/leases"}));
  const YAML::Node body = YAML::Load(api.bodies()[0]);
  EXPECT_EQ(body["spec"]["holderIdentity"].Scalar(), "cp-a");
  EXPECT_EQ(body["spec"]["leaseDurationSeconds"].as<int>(), 15);
  EXPECT_EQ(body["metadata"]["namespace"].Scalar(), "weft-system");
  EXPECT_FALSE(body["metadata"]["resourceVersion"].IsDefined());
}

TEST_F(LeaderElectorTest, LosingTheCreateRaceIsFollowing) {
  api.ReplyGet(404, "{}");
  api.ReplyGet(409, "{}");
  elector.Step();
  EXPECT_FALSE(elector.IsLeader());
}

TEST_F(LeaderElectorTest, TakesOverOnlyALeaseNotRenewedForItsDuration) {
  api.ReplyGet(200, Lease("cp-b", "t1", "10", 3));
  elector.Step();
  EXPECT_FALSE(elector.IsLeader());
  EXPECT_EQ(elector.Describe(), "following cp-b");
  // cp-b renews: the record changes, so its lease is never stale.
  for (int i = 0; i < 5; ++i) {
    time.Advance(absl::Seconds(5));
    api.ReplyGet(200, Lease("cp-b", absl::StrCat("t", i + 2), absl::StrCat(11 + i), 3));
    elector.Step();
    EXPECT_FALSE(elector.IsLeader());
  }
  // cp-b dies: unchanged for 14 s is not enough, 15 s is.
  time.Advance(absl::Seconds(14));
  api.ReplyGet(200, Lease("cp-b", "t6", "15", 3));
  elector.Step();
  EXPECT_FALSE(elector.IsLeader());
  time.Advance(absl::Seconds(1));
  api.ReplyGet(200, Lease("cp-b", "t6", "15", 3));
  api.ReplyGet(200, "{}");
  elector.Step();
  EXPECT_TRUE(elector.IsLeader());
  EXPECT_EQ(elector.transitions(), 1u);
  const YAML::Node put = YAML::Load(api.bodies().back());
  EXPECT_EQ(api.paths().back(), absl::StrCat("PUT ", kLease));
  EXPECT_EQ(put["metadata"]["resourceVersion"].Scalar(), "15");  // optimistic concurrency
  EXPECT_EQ(put["spec"]["holderIdentity"].Scalar(), "cp-a");
  EXPECT_EQ(put["spec"]["leaseTransitions"].as<int>(), 4);
}

TEST_F(LeaderElectorTest, AConflictingWriteMeansNotLeader) {
  api.ReplyGet(200, Lease("", "", "10"));  // released: free to take at once
  api.ReplyGet(409, R"({"kind":"Status","reason":"Conflict"})");
  elector.Step();
  EXPECT_FALSE(elector.IsLeader());
}

TEST_F(LeaderElectorTest, RenewsAndStopsLeadingAtOnceWhenItCannotRenew) {
  api.ReplyGet(200, Lease("cp-a", "t1", "10", 2));
  api.ReplyGet(200, "{}");
  elector.Step();
  ASSERT_TRUE(elector.IsLeader());
  const YAML::Node renew = YAML::Load(api.bodies().back());
  EXPECT_EQ(renew["spec"]["leaseTransitions"].as<int>(), 2);  // a renewal is no transition
  // The API server goes away: still leader until the renew deadline (10 s)...
  api.FailGet(absl::UnavailableError("connection refused"));
  time.Advance(absl::Seconds(5));
  elector.Step();
  EXPECT_TRUE(elector.IsLeader());
  EXPECT_EQ(elector.Describe(), "leader");
  // ...and not a moment later, by its own clock, before anyone can take over (15 s).
  time.Advance(absl::Seconds(5));
  EXPECT_FALSE(elector.IsLeader());
  EXPECT_EQ(elector.Describe(), "unknown (connection refused)");
}

TEST_F(LeaderElectorTest, ALeaderThatSeesAnotherHolderStopsAtOnce) {
  api.ReplyGet(404, "{}");
  api.ReplyGet(201, "{}");
  elector.Step();
  ASSERT_TRUE(elector.IsLeader());
  api.ReplyGet(200, Lease("cp-b", "t9", "20"));
  elector.Step();
  EXPECT_FALSE(elector.IsLeader());
}

TEST_F(LeaderElectorTest, StopEndsLeadership) {
  api.ReplyGet(404, "{}");
  api.ReplyGet(201, "{}");
  elector.Run();  // one round: the sleeper says stop
  EXPECT_TRUE(elector.IsLeader());
  elector.Stop();
  EXPECT_FALSE(elector.IsLeader());
}

}  // namespace
}  // namespace weft::control_plane::kube
