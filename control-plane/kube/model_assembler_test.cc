#include "control-plane/kube/model_assembler.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "control-plane/kube/object_decoders.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const KubeObject> Decode(const std::string& json,
                                         const Reflector::Decoder& decoder) {
  return decoder(YAML::Load(json));
}

Reflector::Store StoreOf(std::vector<std::shared_ptr<const KubeObject>> objects) {
  Reflector::Store store;
  for (auto& o : objects) store[o->key] = o;
  return store;
}

std::string Service(const std::string& name) {
  return absl::StrCat(R"({"kind":"Service","apiVersion":"v1","metadata":{"name":")", name,
                      R"(","namespace":"default","uid":"u","deletionGracePeriodSeconds":3},)",
                      R"("spec":{"type":"ClusterIP","selector":{"app":"backend"},)",
                      R"("ports":[{"name":"http","port":80,"targetPort":"web"}]},"status":{}})");
}

std::string Pod(const std::string& name, const std::string& ip, const std::string& extra = "",
                const std::string& phase = "Running") {
  return absl::StrCat(
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":")", name,
      R"(","namespace":"default","labels":{"app":"backend"}},"spec":{"serviceAccountName":"be",)",
      extra, R"("containers":[{"name":"app","ports":[{"name":"web","containerPort":8080}]}]},)",
      R"("status":{"phase":")", phase, R"(","podIP":")", ip,
      R"(","conditions":[{"type":"Ready","status":"True"}]}})");
}

std::string Route(const std::string& name, const std::string& backend, int weight,
                  const std::string& weight_key = "weight") {
  return absl::StrCat(R"({"kind":"HTTPRoute","apiVersion":"gateway.networking.k8s.io/v1",)",
                      R"("metadata":{"name":")", name, R"(","namespace":"default"},)",
                      R"("spec":{"parentRefs":[{"kind":"Service","name":"backend","port":80}],)",
                      R"("rules":[{"backendRefs":[{"name":")", backend, R"(","port":80,")",
                      weight_key, R"(":)", weight, "}]}]}}");
}

std::vector<std::string> Messages(const ModelAssembler::Result& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.ToString());
  return out;
}

TEST(ModelAssemblerTest, PodsBecomeWorkloadsAndEndpointSlicesMarkThemNotReady) {
  ModelAssembler assembler;
  ModelAssembler::Result r = assembler.Assemble({
      {"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
      {"Pod", StoreOf({Decode(Pod("p1", "10.0.0.1"), DecodePod),
                       Decode(Pod("p2", "10.0.0.2"), DecodePod),
                       Decode(Pod("pending", ""), DecodePod),
                       Decode(Pod("host", "192.168.1.1", R"("hostNetwork":true,)"), DecodePod),
                       Decode(Pod("done", "10.0.0.9", "", "Succeeded"), DecodePod),
                       Decode(Pod("proxied", "10.0.0.3",
                                  R"("initContainers":[{"name":"mesh-proxy"}],)"),
                              DecodePod)})},
      {"EndpointSlice",
       StoreOf({Decode(R"({"kind":"EndpointSlice","metadata":{"name":"s","namespace":"default"},
                "endpoints":[{"conditions":{"ready":false},"targetRef":{"kind":"Pod","name":"p2"}},
                             {"conditions":{"ready":true},"targetRef":{"kind":"Pod","name":"p1"}}]})",
                       DecodeEndpointSlice)})},
  });
  ASSERT_TRUE(r.model) << absl::StrJoin(Messages(r), "\n");
  EXPECT_TRUE(r.problems.empty());
  const Model& model = *r.model;
  ASSERT_EQ(model.workloads.size(), 3u);
  const Workload& p1 = model.workloads.at(ObjectKey{"default", "p1"});
  EXPECT_EQ(p1.address, "10.0.0.1");
  EXPECT_EQ(p1.service_account, "be");
  EXPECT_TRUE(p1.ready);
  EXPECT_FALSE(p1.sidecar);
  EXPECT_TRUE(model.workloads.at(ObjectKey{"default", "proxied"}).sidecar);
  EXPECT_FALSE(model.workloads.at(ObjectKey{"default", "p2"}).ready);
  const std::vector<PortEndpoints>& endpoints = model.EndpointsOf(ObjectKey{"default", "backend"});
  ASSERT_EQ(endpoints.size(), 1u);
  std::vector<std::string> addresses;
  for (const Endpoint& e : endpoints[0].endpoints) {
    addresses.push_back(absl::StrCat(e.address, ":", e.port));  // named targetPort "web"
  }
  EXPECT_THAT(addresses, ElementsAre("10.0.0.1:8080", "10.0.0.3:8080"));
}

TEST(ModelAssemblerTest, TerminatingPodsServeOnlyWhileNoReadyPodDoes) {
  auto terminating = [](const std::string& name, const std::string& ip) {
    return absl::StrReplaceAll(
        Pod(name, ip), {{R"("metadata":{)", R"("metadata":{"deletionTimestamp":"2026-11-27T00:00:00Z",)"}});
  };
  // old-2's readiness failed while terminating; old-3 comes from an API server
  // that leaves `serving` out, so its ready: false decides.
  const std::string slice = R"({"kind":"EndpointSlice","metadata":{"name":"s","namespace":"default"},
      "endpoints":[
        {"conditions":{"ready":false,"serving":true,"terminating":true},"targetRef":{"kind":"Pod","name":"old-1"}},
        {"conditions":{"ready":false,"serving":false,"terminating":true},"targetRef":{"kind":"Pod","name":"old-2"}},
        {"conditions":{"ready":false},"targetRef":{"kind":"Pod","name":"old-3"}}]})";
  auto addresses = [](const Model& model) {
    std::vector<std::string> out;
    for (const Endpoint& e : model.EndpointsOf(ObjectKey{"default", "backend"})[0].endpoints) {
      out.push_back(e.address);
    }
    return out;
  };
  std::vector<std::shared_ptr<const KubeObject>> pods = {
      Decode(terminating("old-1", "10.0.0.1"), DecodePod),
      Decode(terminating("old-2", "10.0.0.2"), DecodePod),
      Decode(terminating("old-3", "10.0.0.3"), DecodePod)};
  ModelAssembler assembler;
  ModelAssembler::Result r = assembler.Assemble({
      {"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
      {"Pod", StoreOf(pods)},
      {"EndpointSlice", StoreOf({Decode(slice, DecodeEndpointSlice)})},
  });
  ASSERT_TRUE(r.model) << absl::StrJoin(Messages(r), "\n");
  const Workload& old1 = r.model->workloads.at(ObjectKey{"default", "old-1"});
  EXPECT_FALSE(old1.ready);
  EXPECT_TRUE(old1.serving_while_terminating);
  EXPECT_FALSE(r.model->workloads.at(ObjectKey{"default", "old-2"}).serving_while_terminating);
  EXPECT_FALSE(r.model->workloads.at(ObjectKey{"default", "old-3"}).serving_while_terminating);
  EXPECT_THAT(addresses(*r.model), ElementsAre("10.0.0.1"));

  // A new pod becomes ready: the terminating one gets no new requests.
  pods.push_back(Decode(Pod("new", "10.0.0.4"), DecodePod));
  r = assembler.Assemble({
      {"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
      {"Pod", StoreOf(pods)},
      {"EndpointSlice", StoreOf({Decode(slice, DecodeEndpointSlice)})},
  });
  ASSERT_TRUE(r.model) << absl::StrJoin(Messages(r), "\n");
  EXPECT_THAT(addresses(*r.model), ElementsAre("10.0.0.4"));
}

TEST(ModelAssemblerTest, AServiceWithoutSelectorGetsTheEndpointsOfItsHandMadeSlice) {
  const std::string service = R"({"kind":"Service","apiVersion":"v1",
      "metadata":{"name":"db","namespace":"default"},
      "spec":{"ports":[{"name":"sql","port":5432}]}})";
  auto slice = [](const std::string& port) {
    return Decode(R"({"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
        "metadata":{"name":"db-1","namespace":"default",
                    "labels":{"kubernetes.io/service-name":"db"}},
        "addressType":"IPv4","endpoints":[{"addresses":["192.0.2.10"]}],
        "ports":[{"name":"sql","port":)" +
                      port + "}]}",
                  DecodeEndpointSlice);
  };
  ModelAssembler assembler;
  ModelAssembler::Result r = assembler.Assemble({
      {"Service", StoreOf({Decode(service, DecodeManifestKind)})},
      {"EndpointSlice", StoreOf({slice("15432")})},
  });
  ASSERT_TRUE(r.model) << absl::StrJoin(Messages(r), "\n");
  const Endpoint& e = r.model->EndpointsOf(ObjectKey{"default", "db"})[0].endpoints.at(0);
  EXPECT_EQ(e.address, "192.0.2.10");
  EXPECT_EQ(e.port, 15432);

  // A broken update is reported and the slice stays as it was.
  r = assembler.Assemble({
      {"Service", StoreOf({Decode(service, DecodeManifestKind)})},
      {"EndpointSlice", StoreOf({slice("\"sql\"")})},
  });
  ASSERT_TRUE(r.model);
  EXPECT_THAT(absl::StrJoin(Messages(r), "\n"),
              HasSubstr("EndpointSlice default/db-1[0] ports[0].port"));
  EXPECT_EQ(r.model->EndpointsOf(ObjectKey{"default", "db"})[0].endpoints.at(0).port, 15432);
}

TEST(ModelAssemblerTest, APodsWorkloadTakesItsNodesZone) {
  auto node = [](const std::string& name, const std::string& labels) {
    return Decode(R"({"kind":"Node","apiVersion":"v1","metadata":{"name":")" + name +
                      R"(","labels":{)" + labels + R"(}},"status":{"images":[]}})",
                  DecodeNode);
  };
  auto on = [](const std::string& pod, const std::string& node) {
    return absl::StrReplaceAll(Pod(pod, pod == "p1" ? "10.0.0.1" : "10.0.0.2"),
                               {{R"("spec":{)", R"("spec":{"nodeName":")" + node + R"(",)"}});
  };
  ModelAssembler assembler;
  ModelAssembler::Result r = assembler.Assemble({
      {"Node", StoreOf({node("n1", R"("topology.kubernetes.io/region":"eu",)"
                                   R"("topology.kubernetes.io/zone":"eu-1a")"),
                        node("n2", R"("failure-domain.beta.kubernetes.io/zone":"eu-1b")")})},
      {"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
      {"Pod", StoreOf({Decode(on("p1", "n1"), DecodePod), Decode(on("p2", "n2"), DecodePod)})},
  });
  ASSERT_TRUE(r.model) << absl::StrJoin(Messages(r), "\n");
  const Workload& p1 = r.model->workloads.at(ObjectKey{"default", "p1"});
  EXPECT_EQ(p1.locality.region, "eu");
  EXPECT_EQ(p1.locality.zone, "eu-1a");
  EXPECT_EQ(r.model->workloads.at(ObjectKey{"default", "p2"}).locality.zone, "eu-1b");
  std::vector<std::string> zones;
  for (const Endpoint& e : r.model->EndpointsOf(ObjectKey{"default", "backend"})[0].endpoints) {
    zones.push_back(e.locality.zone);
  }
  EXPECT_THAT(zones, ElementsAre("eu-1a", "eu-1b"));

  // A pod on a node the source has not seen (yet) has no zone.
  r = assembler.Assemble({
      {"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
      {"Pod", StoreOf({Decode(on("p1", "n9"), DecodePod)})},
  });
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.model->workloads.at(ObjectKey{"default", "p1"}).locality.zone, "");
}

TEST(ModelAssemblerTest, UnreadableObjectIsHeldAtItsLastGoodVersion) {
  ModelAssembler assembler;
  auto services = StoreOf({Decode(Service("backend"), DecodeManifestKind)});
  ASSERT_TRUE(assembler
                  .Assemble({{"Service", services},
                             {"HTTPRoute", StoreOf({Decode(Route("r", "backend", 7),
                                                           DecodeManifestKind)})}})
                  .model);
  ModelAssembler::Result r = assembler.Assemble(
      {{"Service", services},
       {"HTTPRoute", StoreOf({Decode(Route("r", "backend", 9, "weigth"), DecodeManifestKind),
                              Decode(Route("new", "backend", 1, "weigth"), DecodeManifestKind)})}});
  ASSERT_TRUE(r.model);
  ASSERT_EQ(r.model->http_routes.size(), 1u);  // "new" has no good version: left out
  EXPECT_EQ(r.model->http_routes.at(ObjectKey{"default", "r"}).rules[0].backend_refs[0].weight, 7);
  EXPECT_THAT(Messages(r),
              ElementsAre("HTTPRoute default/new[0] spec.rules[0].backendRefs[0].weigth: unknown "
                          "key \"weigth\" (known keys: group, kind, namespace, name, port, "
                          "weight)",
                          HasSubstr("HTTPRoute default/r[0] spec.rules[0].backendRefs[0].weigth")));
  // By object, for status conditions.
  ASSERT_EQ(r.object_problems.size(), 2u);
  EXPECT_THAT(r.object_problems.at({"HTTPRoute", ObjectKey{"default", "r"}}),
              ElementsAre(HasSubstr("unknown key \"weigth\"")));
}

TEST(ModelAssemblerTest, ObjectThatBreaksTheModelIsHeldBackAndOthersStillApply) {
  ModelAssembler assembler;
  ModelAssembler::Result r = assembler.Assemble(
      {{"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
       {"HTTPRoute", StoreOf({Decode(Route("r", "nope", 1), DecodeManifestKind)})},
       {"Pod", StoreOf({Decode(Pod("p1", "10.0.0.1"), DecodePod)})}});
  ASSERT_TRUE(r.model);
  EXPECT_TRUE(r.model->http_routes.empty());
  EXPECT_EQ(r.model->workloads.size(), 1u);
  EXPECT_THAT(Messages(r), ElementsAre(HasSubstr("unknown Service default/nope")));
  ASSERT_EQ(r.object_problems.size(), 1u);
  EXPECT_THAT(r.object_problems.at({"HTTPRoute", ObjectKey{"default", "r"}}),
              ElementsAre(HasSubstr("unknown Service default/nope")));
}

TEST(ModelAssemblerTest, RejectedWhenTheLastGoodVersionNoLongerFits) {
  ModelAssembler assembler;
  auto route = StoreOf({Decode(Route("r", "backend", 1), DecodeManifestKind)});
  ASSERT_TRUE(assembler
                  .Assemble({{"Service", StoreOf({Decode(Service("backend"), DecodeManifestKind)})},
                             {"HTTPRoute", route}})
                  .model);
  // The Service the route attaches to is deleted: the route (held at its last
  // good version, the same) still names it, so the whole set is invalid.
  ModelAssembler::Result r = assembler.Assemble({{"Service", {}}, {"HTTPRoute", route}});
  EXPECT_FALSE(r.model);
  EXPECT_THAT(absl::StrJoin(Messages(r), "\n"), HasSubstr("unknown Service default/backend"));
}

}  // namespace
}  // namespace weft::control_plane::kube
