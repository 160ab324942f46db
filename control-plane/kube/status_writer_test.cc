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

const ResourceType kHttpRoute{"HTTPRoute", "gateway.networking.k8s.io/v1", "httproutes", true};
constexpr char kRoutePath[] = "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/r";
constexpr char kParentRef[] = R"({"kind":"Service","name":"backend","port":8080})";

ObjectCondition RouteCondition(bool accepted, const std::string& message = "",
                               const std::string& unresolved = "") {
  return ObjectCondition{kHttpRoute, ObjectKey{"shop", "r"}, 5, accepted, message,
                         {kParentRef}, unresolved};
}

// The route as the API server holds it: another controller's entry and our
// entry from before.
std::string StoredRoute(const std::string& resource_version) {
  return std::string(R"({"metadata":{"name":"r","resourceVersion":")") + resource_version +
         R"("},"status":{"parents":[
           {"parentRef":{"name":"gw"},"controllerName":"example.net/gateway",
            "conditions":[{"type":"Accepted","status":"True","reason":"Accepted"}]},
           {"parentRef":{"name":"backend"},"controllerName":"mesh.weft.dev/mesh-control-plane",
            "conditions":[]}]}})";
}

TEST_F(StatusWriterTest, RoutesReportPerParentAndKeepOtherControllersEntries) {
  EXPECT_TRUE(ReportsRouteParents(kHttpRoute));
  EXPECT_FALSE(ReportsRouteParents(kTrafficPolicy));
  writer.Update({RouteCondition(false, "spec.rules[0].backendRefs[0]: unknown Service shop/nope",
                                "BackendNotFound")});
  api.ReplyGet(200, StoredRoute("17"));
  api.ReplyGet(200, "{}");
  writer.WritePass();
  ASSERT_EQ(api.paths(), (std::vector<std::string>{std::string("GET ") + kRoutePath,
                                                   std::string("PATCH ") + kRoutePath + "/status"}));
  YAML::Node patch = YAML::Load(api.bodies()[0]);
  EXPECT_EQ(patch["metadata"]["resourceVersion"].Scalar(), "17");  // a concurrent write: 409
  const YAML::Node parents = patch["status"]["parents"];
  ASSERT_EQ(parents.size(), 2u);
  EXPECT_EQ(parents[0]["controllerName"].Scalar(), "example.net/gateway");  // kept
  EXPECT_EQ(parents[0]["conditions"][0]["reason"].Scalar(), "Accepted");
  EXPECT_EQ(parents[1]["controllerName"].Scalar(), kRouteControllerName);
  EXPECT_EQ(parents[1]["parentRef"]["name"].Scalar(), "backend");
  EXPECT_EQ(parents[1]["parentRef"]["port"].as<int>(), 8080);
  const YAML::Node conditions = parents[1]["conditions"];
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0]["type"].Scalar(), "Accepted");
  EXPECT_EQ(conditions[0]["status"].Scalar(), "False");
  EXPECT_EQ(conditions[0]["reason"].Scalar(), "UnsupportedValue");
  EXPECT_EQ(conditions[0]["message"].Scalar(),
            "spec.rules[0].backendRefs[0]: unknown Service shop/nope");
  EXPECT_EQ(conditions[0]["observedGeneration"].as<int>(), 5);
  EXPECT_EQ(conditions[1]["type"].Scalar(), "ResolvedRefs");
  EXPECT_EQ(conditions[1]["reason"].Scalar(), "BackendNotFound");

  // Fixed: both True. The first patch meets a concurrent change (409): read
  // again after the backoff, and patch with the new resourceVersion.
  writer.Update({RouteCondition(true)});
  api.ReplyGet(200, StoredRoute("18"));
  api.ReplyGet(409, "{}");
  writer.WritePass();
  time.Advance(absl::Seconds(1));
  api.ReplyGet(200, StoredRoute("19"));
  api.ReplyGet(200, "{}");
  writer.WritePass();
  ASSERT_EQ(api.bodies().size(), 3u);
  patch = YAML::Load(api.bodies()[2]);
  EXPECT_EQ(patch["metadata"]["resourceVersion"].Scalar(), "19");
  const YAML::Node ok = patch["status"]["parents"][1]["conditions"];
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0]["status"].Scalar(), "True");
  EXPECT_EQ(ok[1]["status"].Scalar(), "True");
  EXPECT_EQ(ok[1]["reason"].Scalar(), "ResolvedRefs");
  EXPECT_EQ(writer.writes(), 2u);
}

TEST_F(StatusWriterTest, AnInvalidRouteWithoutABackendProblemHasNoResolvedRefs) {
  writer.Update({RouteCondition(false, "spec.rules[0].matches: unknown key")});
  api.ReplyGet(404, "{}");  // the route is gone (or unreadable): no patch, retried
  writer.WritePass();
  EXPECT_EQ(api.paths(), std::vector<std::string>{std::string("GET ") + kRoutePath});
  time.Advance(absl::Seconds(1));
  api.ReplyGet(200, R"({"metadata":{"resourceVersion":"3"}})");
  api.ReplyGet(200, "{}");
  writer.WritePass();
  ASSERT_EQ(api.bodies().size(), 1u);
  const YAML::Node parents = YAML::Load(api.bodies()[0])["status"]["parents"];
  ASSERT_EQ(parents.size(), 1u);
  ASSERT_EQ(parents[0]["conditions"].size(), 1u);
  EXPECT_EQ(parents[0]["conditions"][0]["type"].Scalar(), "Accepted");
}

}  // namespace
}  // namespace weft::control_plane::kube
