#include "control-plane/local/manifest_parser.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "control-plane/core/build_model.h"
#include "control-plane/local/manifest_directory.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane::local {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Reads and parses a testdata directory the way LocalSource does.
struct Loaded {
  std::vector<Resource> resources;
  std::vector<std::string> warnings;
  config::ProblemList problems;
  std::vector<std::string> files;
};

Loaded LoadDirectory(const std::string& directory) {
  Loaded loaded;
  std::vector<ManifestFileStat> listing = ScanManifestDirectory(directory, loaded.problems);
  for (const ManifestFile& file : ReadManifestFiles(directory, listing, loaded.problems)) {
    loaded.files.push_back(file.path);
    ParsedManifests parsed = ParseManifests(file.content, file.path, loaded.problems);
    for (Resource& r : parsed.resources) loaded.resources.push_back(std::move(r));
    for (std::string& w : parsed.warnings) loaded.warnings.push_back(std::move(w));
  }
  return loaded;
}

std::vector<std::string> ProblemStrings(const config::ProblemList& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems.problems()) out.push_back(p.ToString());
  return out;
}

TEST(ManifestParserTest, ParsesTheShopDirectory) {
  Loaded loaded = LoadDirectory("control-plane/local/testdata/shop");
  ASSERT_TRUE(loaded.problems.empty()) << absl::StrJoin(ProblemStrings(loaded.problems), "\n");
  // Sorted, recursive, both extensions, dot-files skipped.
  EXPECT_THAT(loaded.files,
              ElementsAre("deployment.yaml", "policies/backend.yml", "routes/grpc.yml",
                          "routes/split.yaml", "services.yaml", "workloads.yaml"));
  ASSERT_THAT(loaded.warnings, SizeIs(1));
  EXPECT_THAT(loaded.warnings[0], HasSubstr("deployment.yaml[0]: skipped Deployment \"frontend\""));

  absl::StatusOr<Model> model = BuildModel(loaded.resources);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_THAT(model->services, SizeIs(4));
  EXPECT_THAT(model->workloads, SizeIs(4));

  const Service* v2 = model->FindService({"shop", "backend-v2"});
  ASSERT_NE(v2, nullptr);
  EXPECT_EQ(v2->vip, "10.96.0.42");                       // explicit clusterIP kept
  ASSERT_THAT(v2->ports, SizeIs(2));                      // the UDP port is not meshed...
  EXPECT_EQ(v2->ports[0].protocol, AppProtocol::kGrpc);   // from the name "grpc-api"
  EXPECT_EQ(v2->ports[1].protocol, AppProtocol::kHttp2);  // from appProtocol
  EXPECT_THAT(absl::StrJoin(model->warnings, "\n"), HasSubstr("port 9102: UDP is not meshed"));

  const Service* frontend = model->FindService({"shop", "frontend"});
  ASSERT_NE(frontend, nullptr);
  EXPECT_EQ(frontend->ports[0].protocol, AppProtocol::kHttp);
  EXPECT_EQ(frontend->ports[0].target_port, 8080);
  EXPECT_THAT(frontend->vip, HasSubstr("10.96."));
  EXPECT_EQ(model->FindServiceByVip(frontend->vip), frontend);

  // The 90/10 split.
  std::vector<const HttpRoute*> routes = model->HttpRoutesFor({"shop", "backend"});
  ASSERT_THAT(routes, SizeIs(1));
  const HttpRoute& route = *routes[0];
  ASSERT_THAT(route.rules, SizeIs(2));
  EXPECT_EQ(route.rules[0].matches[0].path.value, "/api");
  EXPECT_EQ(route.rules[0].matches[0].headers[0].name, "x-canary");
  const HttpRouteRule& split = route.rules[1];
  ASSERT_THAT(split.backend_refs, SizeIs(2));
  EXPECT_EQ(split.backend_refs[0].name, "backend-v1");
  EXPECT_EQ(split.backend_refs[0].weight, 90);
  EXPECT_EQ(split.backend_refs[1].weight, 10);
  EXPECT_EQ(split.timeouts.request, absl::Seconds(10));
  EXPECT_EQ(split.timeouts.backend_request, absl::Seconds(2));
  ASSERT_THAT(split.filters, SizeIs(1));
  EXPECT_EQ(split.filters[0].request_header_modifier->set[0].value, "split");

  std::vector<const GrpcRoute*> grpc = model->GrpcRoutesFor({"shop", "backend-v2"});
  ASSERT_THAT(grpc, SizeIs(1));
  EXPECT_EQ(grpc[0]->rules[0].matches[0].method->service, "shop.Inventory");

  const TrafficPolicy* policy = model->PolicyFor({"shop", "backend"});
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->load_balancer->type, LoadBalancerType::kLeastRequest);
  EXPECT_EQ(policy->retries->attempts, 2);
  EXPECT_EQ(policy->retries->per_try_timeout, absl::Milliseconds(500));
  EXPECT_THAT(policy->retries->retry_on, ElementsAre("5xx", "connect-failure"));
  EXPECT_EQ(policy->circuit_breaker->max_connections, 100);
  EXPECT_FALSE(policy->circuit_breaker->max_requests.has_value());
  EXPECT_EQ(policy->outlier_detection->consecutive_5xx, 3);
  EXPECT_EQ(policy->outlier_detection->max_ejection_time, absl::Seconds(300));  // default
  EXPECT_FALSE(policy->timeouts->idle.has_value());

  // Endpoints: ready workloads only, named target port resolved per workload.
  const std::vector<PortEndpoints>& v1 = model->EndpointsOf({"shop", "backend-v1"});
  ASSERT_THAT(v1, SizeIs(1));
  ASSERT_THAT(v1[0].endpoints, SizeIs(1));
  EXPECT_EQ(v1[0].endpoints[0].address, "10.77.0.3");
  EXPECT_EQ(v1[0].endpoints[0].port, 8081);
  EXPECT_EQ(v1[0].endpoints[0].service_account, "backend");
  // "backend" selects both versions' ready workloads.
  EXPECT_THAT(model->EndpointsOf({"shop", "backend"})[0].endpoints, SizeIs(2));
}

TEST(ManifestParserTest, ReportsEveryProblemAtOnceWithFileAndPath) {
  Loaded loaded = LoadDirectory("control-plane/local/testdata/invalid");
  absl::StatusOr<Model> model = BuildModel(loaded.resources, loaded.problems);
  EXPECT_FALSE(model.ok());
  const std::string all = absl::StrJoin(ProblemStrings(loaded.problems), "\n");
  // Syntax error in one file does not hide the others.
  EXPECT_THAT(all, HasSubstr("broken.yaml: YAML syntax error"));
  // Shape: a misspelt key, an unknown kind, a bare number as a duration.
  EXPECT_THAT(all, HasSubstr("split.yaml[0] spec.rules[0].backendRefs[2].weigth: unknown key "
                             "\"weigth\""));
  EXPECT_THAT(all, HasSubstr("policy.yaml[1] kind: \"RateLimitPolicy\" is not a kind local "
                             "mode supports"));
  EXPECT_THAT(all, HasSubstr("policy.yaml[0] spec.retries.perTryTimeout: 1 needs a unit"));
  // Values.
  EXPECT_THAT(all, HasSubstr("split.yaml[0] spec.rules[0].backendRefs[1].weight: -5 is negative "
                             "(line 11"));
  EXPECT_THAT(all, HasSubstr("services.yaml[0] spec.ports[0].port: 70000 is not a port (1-65535)"));
  EXPECT_THAT(all, HasSubstr("split.yaml[0] spec.rules[0].matches[0].path.value: \"/(unclosed\" "
                             "is not a valid regular expression"));
  EXPECT_THAT(all, HasSubstr("policy.yaml[0] spec.retries.attempts: 50 is not a retry count "
                             "(0-10)"));
  // References and duplicates.
  EXPECT_THAT(all, HasSubstr("split.yaml[0] spec.parentRefs[0].name: unknown Service "
                             "shop/missing-parent"));
  EXPECT_THAT(all, HasSubstr("split.yaml[0] spec.rules[0].backendRefs[1].name: unknown Service "
                             "shop/backend-v3"));
  EXPECT_THAT(all, HasSubstr("policy.yaml[0] spec.targetRef.name: unknown Service shop/nowhere"));
  EXPECT_THAT(all, HasSubstr("services.yaml[1] metadata.name: duplicate Service shop/backend "
                             "(first defined in services.yaml[0])"));
}

TEST(ManifestParserTest, SyntaxErrorsAndHangsBecomeProblems) {
  for (const std::string text : {",a", "a: [", "- x\n- y\n", "42", "apiVersion: v1\nkind: [x]\n",
                                 "kind: Service\napiVersion: v1\nmetadata: 5\n"}) {
    config::ProblemList problems;
    ParsedManifests parsed = ParseManifests(text, "f.yaml", problems);
    EXPECT_FALSE(problems.empty()) << text;
    EXPECT_THAT(problems.problems()[0].path, HasSubstr("f.yaml")) << text;
  }
}

TEST(ManifestParserTest, EmptyDocumentsAndDefaults) {
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(
      "---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
      "spec: {ports: [{port: 80}]}\n",
      "f.yaml", problems);
  ASSERT_TRUE(problems.empty()) << problems.ToStatus("x");
  ASSERT_THAT(parsed.resources, SizeIs(1));
  EXPECT_EQ(parsed.resources[0].origin.ToString(),
            "f.yaml[1]");  // "---\n---" holds one empty document
  EXPECT_EQ(parsed.resources[0].meta().ns, "default");
  EXPECT_EQ(parsed.resources[0].kind(), "Service");
}

TEST(ManifestParserTest, RouteDefaultsAndSupportedApiVersions) {
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(
      "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata: {name: r}\n"
      "spec:\n  parentRefs: [{kind: Service, name: s}]\n  rules: [{backendRefs: [{name: s, "
      "port: 80}]}]\n---\n"
      "apiVersion: gateway.networking.k8s.io/v1alpha1\nkind: HTTPRoute\nmetadata: {name: r2}\n"
      "spec: {}\n",
      "r.yaml", problems);
  ASSERT_THAT(problems.problems(), SizeIs(1));
  EXPECT_THAT(problems.problems()[0].ToString(),
              HasSubstr("r.yaml[1] apiVersion: \"gateway.networking.k8s.io/v1alpha1\": HTTPRoute "
                        "needs apiVersion gateway.networking.k8s.io/v1 or "
                        "gateway.networking.k8s.io/v1beta1"));
  ASSERT_THAT(parsed.resources, SizeIs(1));
  const auto& route = std::get<HttpRoute>(parsed.resources[0].object);
  ASSERT_THAT(route.rules[0].matches, SizeIs(1));
  EXPECT_EQ(route.rules[0].matches[0].path.type, PathMatchType::kPathPrefix);
  EXPECT_EQ(route.rules[0].matches[0].path.value, "/");
  EXPECT_EQ(route.rules[0].backend_refs[0].weight, 1);
}

TEST(ManifestParserTest, EndpointSliceHasItsFieldsAtTheTopAndTheSameStrictness) {
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
      "metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}\n"
      "addressType: IPv4\n"
      "endpoints:\n"
      "- addresses: [192.0.2.10]\n"
      "  conditions: {ready: false, serving: true, terminating: true}\n"
      "  zone: eu-1a\n"
      "  nodeName: node-1\n"
      "  targetRef: {kind: Pod, name: db-0, namespace: shop, uid: x}\n"
      "- addresses: [192.0.2.11]\n"
      "ports: [{name: sql, port: 5432, protocol: TCP, appProtocol: postgresql}]\n"
      "---\n"
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: db-2}\n"
      "addressType: IPv4\nspec: {}\nendpoints: [{adresses: [192.0.2.12]}]\n"
      "---\n"
      "apiVersion: v1\nkind: EndpointSlice\nmetadata: {name: db-3}\n",
      "e.yaml", problems);
  const std::string all = absl::StrJoin(ProblemStrings(problems), "\n");
  EXPECT_THAT(all, HasSubstr("e.yaml[1] spec: unknown key \"spec\""));
  EXPECT_THAT(all, HasSubstr("e.yaml[1] endpoints[0].adresses: unknown key \"adresses\""));
  EXPECT_THAT(all, HasSubstr("e.yaml[2] apiVersion: \"v1\": EndpointSlice needs apiVersion "
                             "discovery.k8s.io/v1"));
  EXPECT_THAT(problems.problems(), SizeIs(3));
  ASSERT_THAT(parsed.resources, SizeIs(2));
  EXPECT_EQ(parsed.resources[0].kind(), "EndpointSlice");
  const auto& slice = std::get<EndpointSlice>(parsed.resources[0].object);
  EXPECT_EQ(slice.ServiceName(), "db");
  EXPECT_EQ(slice.address_type, "IPv4");
  ASSERT_THAT(slice.endpoints, SizeIs(2));
  EXPECT_THAT(slice.endpoints[0].addresses, ElementsAre("192.0.2.10"));
  EXPECT_EQ(slice.endpoints[0].ready, false);
  EXPECT_EQ(slice.endpoints[0].serving, true);
  EXPECT_TRUE(slice.endpoints[0].terminating);
  EXPECT_EQ(slice.endpoints[0].zone, "eu-1a");
  EXPECT_EQ(slice.endpoints[0].target_workload, "db-0");
  EXPECT_FALSE(slice.endpoints[1].ready.has_value());
  EXPECT_FALSE(slice.endpoints[1].serving.has_value());
  ASSERT_THAT(slice.ports, SizeIs(1));
  EXPECT_EQ(slice.ports[0].name, "sql");
  EXPECT_EQ(slice.ports[0].port, 5432);
}

}  // namespace
}  // namespace weft::control_plane::local
