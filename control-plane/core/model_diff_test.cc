#include "control-plane/core/model_diff.h"

#include "control-plane/core/build_model.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Resource Make(ResourceObject object) {
  return Resource{ResourceOrigin{"m.yaml", 0, nullptr}, std::move(object)};
}

Service MakeService(const std::string& name) {
  Service s;
  s.meta = {"shop", name};
  s.selector = {{"app", name}};
  s.ports.push_back(ServicePort{.name = "http", .port = 8080});
  return s;
}

Workload MakeWorkload(const std::string& name, const std::string& app, const std::string& ip) {
  Workload w;
  w.meta = {"shop", name, {{"app", app}}, {}};
  w.address = ip;
  return w;
}

HttpRoute MakeRoute(int weight) {
  HttpRoute r;
  r.meta = {"shop", "split"};
  r.parent_refs.push_back(ParentRef{.name = "front"});
  HttpRouteRule rule;
  rule.matches.emplace_back();
  rule.backend_refs.push_back(BackendRef{.name = "back", .port = 8080, .weight = weight});
  r.rules.push_back(rule);
  return r;
}

Model Build(std::vector<Resource> resources) {
  absl::StatusOr<Model> model = BuildModel(resources);
  EXPECT_TRUE(model.ok()) << model.status();
  return *model;
}

TEST(ModelDiffTest, EqualModelsHaveNoDiffAndEqualVersions) {
  std::vector<Resource> input = {Make(MakeService("front")), Make(MakeService("back")),
                                 Make(MakeRoute(1))};
  Model a = Build(input), b = Build(input);
  EXPECT_TRUE(DiffModels(a, b).empty());
  EXPECT_EQ(ModelVersion(a), ModelVersion(b));
  EXPECT_EQ(ModelVersion(a).size(), 16u);
}

TEST(ModelDiffTest, RouteChangeAffectsItsParentOnly) {
  Model before = Build({Make(MakeService("front")), Make(MakeService("back")), Make(MakeRoute(1))});
  Model after = Build({Make(MakeService("front")), Make(MakeService("back")), Make(MakeRoute(2))});
  ModelDiff diff = DiffModels(before, after);
  EXPECT_THAT(diff.http_routes.changed, ElementsAre(ObjectKey{"shop", "split"}));
  EXPECT_TRUE(diff.services.empty());
  EXPECT_THAT(diff.affected_services, ElementsAre(ObjectKey{"shop", "front"}));
  EXPECT_NE(ModelVersion(before), ModelVersion(after));
}

TEST(ModelDiffTest, WorkloadReadinessChangesEndpoints) {
  Workload ready = MakeWorkload("b-0", "back", "10.0.0.1");
  Workload unready = ready;
  unready.ready = false;
  Model before = Build({Make(MakeService("front")), Make(MakeService("back")), Make(ready)});
  Model after = Build({Make(MakeService("front")), Make(MakeService("back")), Make(unready)});
  ModelDiff diff = DiffModels(before, after);
  EXPECT_THAT(diff.endpoints.changed, ElementsAre(ObjectKey{"shop", "back"}));
  EXPECT_THAT(diff.workloads.changed, ElementsAre(ObjectKey{"shop", "b-0"}));
  EXPECT_THAT(diff.affected_services, ElementsAre(ObjectKey{"shop", "back"}));

  // Terminating: the same pod now serves only as the fallback, and it is the
  // port's only one, so the endpoints come back.
  Workload leaving = unready;
  leaving.serving_while_terminating = true;
  Model fallback = Build({Make(MakeService("front")), Make(MakeService("back")), Make(leaving)});
  diff = DiffModels(after, fallback);
  EXPECT_THAT(diff.endpoints.changed, ElementsAre(ObjectKey{"shop", "back"}));
  EXPECT_THAT(diff.workloads.changed, ElementsAre(ObjectKey{"shop", "b-0"}));
  EXPECT_EQ(fallback.EndpointsOf(ObjectKey{"shop", "back"})[0].endpoints.size(), 1u);
}

TEST(ModelDiffTest, AddedAndRemovedServicesAndPolicies) {
  TrafficPolicy policy;
  policy.meta = {"shop", "p"};
  policy.target_ref.name = "back";
  Model before = Build({Make(MakeService("front")), Make(MakeService("back"))});
  Model after = Build({Make(MakeService("back")), Make(MakeService("new")), Make(policy)});
  ModelDiff diff = DiffModels(before, after);
  EXPECT_THAT(diff.services.added, ElementsAre(ObjectKey{"shop", "new"}));
  EXPECT_THAT(diff.services.removed, ElementsAre(ObjectKey{"shop", "front"}));
  EXPECT_THAT(diff.traffic_policies.added, ElementsAre(ObjectKey{"shop", "p"}));
  EXPECT_THAT(
      diff.affected_services,
      ElementsAre(ObjectKey{"shop", "back"}, ObjectKey{"shop", "front"}, ObjectKey{"shop", "new"}));
}

TEST(ModelDiffTest, FingerprintsSeeEveryFieldThatMatters) {
  Service s = MakeService("a");
  const uint64_t base = Fingerprint(s);
  Service t = s;
  t.ports[0].app_protocol = "grpc";
  EXPECT_NE(Fingerprint(t), base);
  t = s;
  t.vip = "10.96.0.1";
  EXPECT_NE(Fingerprint(t), base);
  TrafficPolicy p;
  const uint64_t empty = Fingerprint(p);
  p.circuit_breaker = CircuitBreakerPolicy{};
  EXPECT_NE(Fingerprint(p), empty);  // an empty section is not the same as none
}

}  // namespace
}  // namespace weft::control_plane
