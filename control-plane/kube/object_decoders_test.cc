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

TEST(ObjectDecodersTest, OnlySlicesTheSelectorControllerDidNotWriteBecomeResources) {
  // As the API server lists them: labels, managedFields, endpoints with nodeName.
  auto slice =
      [](const std::string& managed_by, const std::string& service) {
        std::string labels = R"("endpointslice.kubernetes.io/managed-by":")" + managed_by + "\"";
        if (!service.empty()) labels += R"(,"kubernetes.io/service-name":")" + service + "\"";
        return DecodeEndpointSlice(YAML::Load(R"({"kind":"EndpointSlice",
        "apiVersion":"discovery.k8s.io/v1",
        "metadata":{"name":"db-x1","namespace":"shop","uid":"u","resourceVersion":"7",
                    "generateName":"db-","managedFields":[{"manager":"m"}],
                    "labels":{)" + labels + R"(}},
        "addressType":"IPv4",
        "endpoints":[{"addresses":["10.1.0.5"],"nodeName":"n1","zone":"a",
                      "conditions":{"ready":false,"serving":false,"terminating":false},
                      "targetRef":{"kind":"Pod","name":"db-0","namespace":"shop","uid":"p"}}],
        "ports":[{"name":"sql","port":5432,"protocol":"TCP"}]})"));
      };
  auto by_controller = slice("endpointslice-controller.k8s.io", "db");
  EXPECT_FALSE(by_controller->resource);
  EXPECT_THAT(by_controller->not_ready_pods, ElementsAre(ObjectKey{"shop", "db-0"}));

  for (const std::string manager : {"endpointslicemirroring-controller.k8s.io", "by-hand"}) {
    auto made = slice(manager, "db");
    ASSERT_TRUE(made->resource) << manager;
    EXPECT_THAT(made->problems, IsEmpty());
    const auto& resource = std::get<EndpointSlice>(made->resource->object);
    EXPECT_EQ(resource.ServiceName(), "db");
    EXPECT_EQ(resource.endpoints.at(0).target_workload, "db-0");
    // Its conditions are its own endpoint's, not a verdict on the pod.
    EXPECT_THAT(made->not_ready_pods, IsEmpty());
  }
  // A slice for no Service (another controller's business) is left alone.
  EXPECT_FALSE(slice("by-hand", "")->resource);
}

}  // namespace
}  // namespace weft::control_plane::kube
