#include "control-plane/kube/status_writer.h"

#include "common/time/simulated_time_source.h"
#include "control-plane/kube/fake_api_transport.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

constexpr char kPath[] =
    "PATCH /apis/mesh.weft.dev/v1alpha1/namespaces/shop/trafficpolicies/retries/status";

const ResourceType kTrafficPolicy{"TrafficPolicy", "mesh.weft.dev/v1alpha1", "trafficpolicies",
                                  true};

ObjectCondition Condition(const std::string& name, int64_t generation, bool accepted,
                          const std::string& message = "") {
  return ObjectCondition{kTrafficPolicy, ObjectKey{"shop", name}, generation, accepted, message};
}

class NeverSleeps : public Sleeper {
 public:
  bool SleepFor(absl::Duration) override { return false; }
  void Wake() override {}
};

class StatusWriterTest : public ::testing::Test {
 protected:
  FakeApiTransport api;
  NeverSleeps sleeper;
  SimulatedTimeSource time;
  bool leader = true;
  StatusWriter writer{{.max_writes_per_pass = 2}, api, sleeper, time, [this] { return leader; }};
};

TEST_F(StatusWriterTest, PatchesTheAcceptedConditionOnlyWhenItChanges) {
  writer.Update({Condition("retries", 3, true)});
  api.ReplyGet(200, "{}");
  writer.WritePass();
  ASSERT_EQ(api.paths(), std::vector<std::string>{kPath});
  EXPECT_EQ(api.content_types()[0], "application/merge-patch+json");
  const YAML::Node c = YAML::Load(api.bodies()[0])["status"]["conditions"][0];
  EXPECT_EQ(c["type"].Scalar(), "Accepted");
  EXPECT_EQ(c["status"].Scalar(), "True");
  EXPECT_EQ(c["reason"].Scalar(), "Accepted");
  EXPECT_EQ(c["observedGeneration"].as<int>(), 3);
  EXPECT_EQ(c["lastTransitionTime"].Scalar(), "2026-01-01T00:00:00Z");

  writer.WritePass();  // nothing changed: no write
  writer.Update({Condition("retries", 3, true)});
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 1u);

  writer.Update({Condition("retries", 4, false, "spec.retries: \"x\" is not a number")});
  api.ReplyGet(200, "{}");
  writer.WritePass();
  ASSERT_EQ(api.paths().size(), 2u);
  const YAML::Node invalid = YAML::Load(api.bodies()[1])["status"]["conditions"][0];
  EXPECT_EQ(invalid["status"].Scalar(), "False");
  EXPECT_EQ(invalid["reason"].Scalar(), "Invalid");
  EXPECT_EQ(invalid["message"].Scalar(), "spec.retries: \"x\" is not a number");
  EXPECT_EQ(invalid["observedGeneration"].as<int>(), 4);
  EXPECT_EQ(writer.writes(), 2u);
}

TEST_F(StatusWriterTest, RetriesFailedWritesWithBackoff) {
  writer.Update({Condition("retries", 1, true)});
  api.ReplyGet(404, "{}");  // the status subresource is not there (yet)
  writer.WritePass();
  writer.WritePass();  // within the backoff: no attempt
  EXPECT_EQ(api.paths().size(), 1u);
  time.Advance(absl::Seconds(1));
  api.ReplyGet(409, "{}");
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 2u);
  time.Advance(absl::Seconds(1));  // the backoff doubled to 2 s
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 2u);
  time.Advance(absl::Seconds(1));
  api.ReplyGet(200, "{}");
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 3u);
  EXPECT_EQ(writer.writes(), 1u);
}

TEST_F(StatusWriterTest, IsRateLimited) {
  writer.Update({Condition("a", 1, true), Condition("b", 1, true), Condition("c", 1, true)});
  for (int i = 0; i < 3; ++i) api.ReplyGet(200, "{}");
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 2u);
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 3u);
}

TEST_F(StatusWriterTest, OnlyTheLeaderWritesAndANewLeaderWritesEverythingOnce) {
  leader = false;
  writer.Update({Condition("retries", 1, true)});
  writer.WritePass();
  EXPECT_TRUE(api.paths().empty());
  leader = true;
  api.ReplyGet(200, "{}");
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 1u);
  leader = false;  // lost the lease, later won it back: the status may have changed meanwhile
  writer.WritePass();
  leader = true;
  api.ReplyGet(200, "{}");
  writer.WritePass();
  EXPECT_EQ(api.paths().size(), 2u);
}

}  // namespace
}  // namespace weft::control_plane::kube
