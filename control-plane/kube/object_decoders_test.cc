#include "control-plane/kube/object_decoders.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ObjectDecodersTest, RouteParentRefsAreKeptAsWrittenEvenWhenTheRouteIsInvalid) {
  // "weigth" makes the route invalid; its parentRefs are still known, for its status.
  auto route = DecodeManifestKind(YAML::Load(R"({"kind":"HTTPRoute",
      "apiVersion":"gateway.networking.k8s.io/v1",
      "metadata":{"name":"r","namespace":"shop","generation":3},
      "spec":{"parentRefs":[{"group":"","kind":"Service","name":"backend","port":8080},
                            {"name":"other","sectionName":"http"},
                            {"kind":"Service"}, "garbage"],
              "rules":[{"backendRefs":[{"name":"backend","port":8080,"weigth":1}]}]}})"));
  EXPECT_FALSE(route->problems.empty());
  EXPECT_FALSE(route->resource);
  EXPECT_EQ(route->generation, 3);
  EXPECT_THAT(route->parent_refs,
              ElementsAre(R"({"group":"","kind":"Service","name":"backend","port":8080})",
                          R"({"name":"other","sectionName":"http"})"));
}

TEST(ObjectDecodersTest, OnlyRoutesCarryParentRefs) {
  auto policy = DecodeManifestKind(YAML::Load(R"({"kind":"TrafficPolicy",
      "apiVersion":"mesh.weft.dev/v1alpha1","metadata":{"name":"p","namespace":"shop"},
      "spec":{"targetRef":{"kind":"Service","name":"backend"},"parentRefs":[{"name":"x"}]}})"));
  EXPECT_THAT(policy->parent_refs, IsEmpty());
}

TEST(ObjectDecodersTest, TerminatingPodServesWhileItsReadinessPasses) {
  auto pod = DecodePod(YAML::Load(R"({"kind":"Pod","metadata":{"name":"p","namespace":"shop",
      "deletionTimestamp":"2026-11-27T00:00:00Z"},"spec":{},
      "status":{"phase":"Running","podIP":"10.0.0.1",
                "conditions":[{"type":"Ready","status":"True"}]}})"));
  ASSERT_TRUE(pod->resource);
  const auto& workload = std::get<Workload>(pod->resource->object);
  EXPECT_FALSE(workload.ready);
  EXPECT_TRUE(workload.serving_while_terminating);
}

}  // namespace
}  // namespace weft::control_plane::kube
