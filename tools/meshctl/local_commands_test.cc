// apply, get and delete on real temporary directories, run in-process.

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/meshctl/apply_command.h"
#include "tools/meshctl/delete_command.h"
#include "tools/meshctl/get_command.h"
#include "tools/meshctl/test_directory.h"

namespace weft::meshctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::CommandResult;
using testing::CompareGolden;
using testing::RunCommand;
using testing::TestDirectory;

constexpr char kMesh[] = "tools/meshctl/testdata/mesh";

constexpr char kBackendService[] = R"(apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 8080}]
)";

constexpr char kRouteToBackend[] = R"(apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split}
spec:
  parentRefs: [{kind: Service, name: backend}]
  rules:
    - backendRefs: [{name: backend, port: 8080}]
)";

std::vector<std::string> Keys(const std::map<std::string, std::string>& files) {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : files) keys.push_back(key);
  return keys;
}

class LocalCommandsTest : public ::testing::Test {
 protected:
  std::string Manifests() const { return "--manifests=" + dir_.path(); }
  CommandResult Apply(const std::string& file, const std::string& stdin_text = "") {
    return RunCommand(RunApply, {"-f", file, Manifests()}, stdin_text);
  }

  TestDirectory dir_;
  TestDirectory inputs_;
};

TEST_F(LocalCommandsTest, ApplyCreatesThenReportsUnchangedThenConfigured) {
  inputs_.Write("svc.yaml", kBackendService);
  CommandResult first = Apply(inputs_.Join("svc.yaml"));
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "service/default/backend created\n");
  EXPECT_EQ(dir_.Snapshot(),
            (std::map<std::string, std::string>{{"service-default-backend.yaml", kBackendService}}));

  CommandResult again = Apply(inputs_.Join("svc.yaml"));
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "service/default/backend unchanged\n");

  std::string changed = kBackendService;
  changed.replace(changed.find("8080"), 4, "9090");
  CommandResult update = Apply("-", changed);
  EXPECT_EQ(update.code, 0) << update.err;
  EXPECT_EQ(update.out, "service/default/backend configured\n");
  EXPECT_EQ(dir_.Snapshot().at("service-default-backend.yaml"), changed);
}

TEST_F(LocalCommandsTest, ApplyOfAnInvalidSetChangesNothingAndReportsEveryProblem) {
  dir_.CopyFrom(kMesh);
  const auto before = dir_.Snapshot();
  inputs_.Write("bad.yaml", R"(apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken, namespace: shop}
spec:
  parentRefs: [{kind: Service, name: backend}]
  rules:
    - backendRefs:
        - {name: nowhere, port: 8080}
        - {name: backend, port: 8080, weight: -5}
        - {name: backend, port: 8080, weigth: 3}
---
apiVersion: v1
kind: Service
metadata: {name: ok, namespace: shop}
spec: {ports: [{port: 80}]}
)");
  CommandResult result = Apply(inputs_.Join("bad.yaml"));
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("nothing applied"));
  EXPECT_THAT(result.err, HasSubstr("(3 problems)"));
  EXPECT_THAT(result.err, HasSubstr("bad.yaml[0] spec.rules[0].backendRefs[0].name: unknown "
                                    "Service shop/nowhere"));
  EXPECT_THAT(result.err, HasSubstr("bad.yaml[0] spec.rules[0].backendRefs[1].weight: -5 is "
                                    "negative"));
  EXPECT_THAT(result.err, HasSubstr("bad.yaml[0] spec.rules[0].backendRefs[2].weigth: unknown key"));
  EXPECT_EQ(dir_.Snapshot(), before);  // not even the valid Service was written
}

TEST_F(LocalCommandsTest, ApplyValidatesAgainstTheDirectory) {
  // A route to a Service that exists only in the directory is fine...
  dir_.Write("svc.yaml", kBackendService);
  inputs_.Write("route.yaml", kRouteToBackend);
  CommandResult ok = Apply(inputs_.Join("route.yaml"));
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "httproute/default/split created\n");
  // ...and replacing that Service by one without port 8080 is refused.
  std::string changed = kBackendService;
  changed.replace(changed.find("8080"), 4, "9090");
  CommandResult refused = Apply("-", changed);
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("httproute-default-split.yaml[0] spec.rules[0]."
                                     "backendRefs[0].port"));
}

TEST_F(LocalCommandsTest, ApplyMovesAnObjectOutOfASingleObjectFile) {
  dir_.Write("my-service.yaml", kBackendService);
  std::string changed = kBackendService;
  changed.replace(changed.find("8080"), 4, "9090");
  CommandResult result = Apply("-", changed);
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "service/default/backend configured\n");
  EXPECT_THAT(Keys(dir_.Snapshot()), ElementsAre("service-default-backend.yaml"));
}

TEST_F(LocalCommandsTest, ApplyRefusesToReplaceAnObjectInAMultiDocumentFile) {
  dir_.CopyFrom(kMesh);
  const auto before = dir_.Snapshot();
  // Same as in services.yaml but a new port: would need rewriting services.yaml.
  CommandResult result = Apply("-", R"(apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 8080}, {name: admin, port: 9901}]
)");
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, HasSubstr("service/shop/backend is defined in services.yaml together "
                                    "with other documents"));
  EXPECT_EQ(dir_.Snapshot(), before);

  // Re-applying the directory's own files changes nothing and is not refused.
  CommandResult same = Apply(dir_.Join("services.yaml"));
  EXPECT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.out, "service/shop/backend unchanged\nservice/shop/backend-v2 unchanged\n");
}

TEST_F(LocalCommandsTest, ApplyOfADirectoryAndDryRun) {
  CommandResult dry = RunCommand(RunApply, {"-f", kMesh, "--dry-run", Manifests()});
  EXPECT_EQ(dry.code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("service/shop/backend created (dry run)"));
  EXPECT_TRUE(dir_.Snapshot().empty());

  CommandResult applied = Apply(kMesh);
  EXPECT_EQ(applied.code, 0) << applied.err;
  EXPECT_THAT(Keys(dir_.Snapshot()),
              ElementsAre("authorizationpolicy-shop-backend-readers.yaml",
                          "endpointslice-shop-billing-1.yaml", "grpcroute-shop-inventory.yaml",
                          "httproute-shop-backend-split.yaml",
                          "peerauthentication-shop-backend-probes.yaml",
                          "peerauthentication-weft-system-mesh-strict.yaml",
                          "service-default-frontend.yaml", "service-shop-backend-v2.yaml",
                          "service-shop-backend.yaml", "service-shop-billing.yaml",
                          "trafficpolicy-shop-backend.yaml", "workload-default-frontend-0.yaml",
                          "workload-shop-backend-0.yaml", "workload-shop-backend-v2-0.yaml"));

  // Every kind can be deleted by the word `get` knows it by.
  CommandResult deleted = RunCommand(RunDelete, {"eps", "billing-1", "-n", "shop", Manifests()});
  EXPECT_EQ(deleted.code, 0) << deleted.err;
  EXPECT_EQ(dir_.Snapshot().count("endpointslice-shop-billing-1.yaml"), 0u);
  CommandResult none = RunCommand(RunGet, {"eps", "-n", "shop", Manifests()});
  EXPECT_THAT(none.err, HasSubstr("No endpointslice found in namespace \"shop\""));
}

TEST_F(LocalCommandsTest, ApplyUsageErrors) {
  EXPECT_EQ(RunCommand(RunApply, {Manifests()}).code, 2);
  CommandResult unknown = RunCommand(RunApply, {"-f", "x.yaml", "--frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown flag \"--frobnicate\""));
  CommandResult missing = Apply(inputs_.Join("missing.yaml"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("missing.yaml: cannot read the file"));
  CommandResult help = RunCommand(RunApply, {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("Usage: meshctl apply"));
}

TEST_F(LocalCommandsTest, GetTablesMatchGoldenFiles) {
  dir_.CopyFrom(kMesh);
  const std::pair<const char*, std::vector<std::string>> cases[] = {
      {"get_services.golden", {"services", "-A"}},
      {"get_services_shop.golden", {"svc", "-n", "shop"}},
      {"get_workloads.golden", {"workloads", "-A"}},
      {"get_httproutes.golden", {"httproutes", "-n", "shop"}},
      {"get_grpcroutes.golden", {"grpcroutes", "-A"}},
      {"get_trafficpolicies.golden", {"tp", "-A"}},
      {"get_endpointslices.golden", {"eps", "-n", "shop"}},
      {"get_peerauthentications.golden", {"peerauthentications", "-A"}},
      {"get_authorizationpolicies.golden", {"ap", "-A"}},
      {"get_service_json.golden", {"svc", "backend-v2", "-n", "shop", "-o", "json"}},
      {"get_services_yaml.golden", {"svc", "-n", "shop", "-o", "yaml"}},
  };
  for (const auto& [golden, args] : cases) {
    std::vector<std::string> full = args;
    full.push_back(Manifests());
    CommandResult result = RunCommand(RunGet, full);
    EXPECT_EQ(result.code, 0) << golden << ": " << result.err;
    EXPECT_EQ(CompareGolden(golden, result.out), "");
  }
}

TEST_F(LocalCommandsTest, GetListIsJsonList) {
  dir_.CopyFrom(kMesh);
  CommandResult result = RunCommand(RunGet, {"tp", "-A", "-o", "json", Manifests()});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("\"kind\": \"List\""));
  EXPECT_THAT(result.out, HasSubstr("\"attempts\": 2"));
  EXPECT_THAT(result.out, HasSubstr("\"request\": \"15s\""));
}

TEST_F(LocalCommandsTest, GetOnAnInvalidDirectoryFails) {
  dir_.Write("route.yaml", kRouteToBackend);  // no Service "backend"
  CommandResult result = RunCommand(RunGet, {"httproutes", Manifests()});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("route.yaml[0] spec.parentRefs[0].name: unknown Service"));
}

TEST_F(LocalCommandsTest, GetNotFoundAndEmpty) {
  dir_.CopyFrom(kMesh);
  CommandResult missing = RunCommand(RunGet, {"svc", "nope", "-n", "shop", Manifests()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("\"nope\" not found in namespace \"shop\""));
  CommandResult empty = RunCommand(RunGet, {"grpcroutes", Manifests()});  // namespace default
  EXPECT_EQ(empty.code, 0);
  EXPECT_EQ(empty.out, "");
  EXPECT_THAT(empty.err, HasSubstr("No grpcroute found in namespace \"default\""));
  EXPECT_EQ(RunCommand(RunGet, {"gadgets", Manifests()}).code, 2);
  EXPECT_EQ(RunCommand(RunGet, {"svc", "-A", "-n", "x", Manifests()}).code, 2);
  EXPECT_EQ(RunCommand(RunGet, {"svc", "-o", "xml", Manifests()}).code, 2);
}

TEST_F(LocalCommandsTest, DeleteIsRefusedWhileReferenced) {
  dir_.Write("service-default-backend.yaml", kBackendService);
  dir_.Write("httproute-default-split.yaml", kRouteToBackend);
  const auto before = dir_.Snapshot();
  CommandResult refused = RunCommand(RunDelete, {"svc", "backend", Manifests()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("httproute-default-split.yaml[0] spec.parentRefs[0].name: "
                                     "unknown Service default/backend"));
  EXPECT_EQ(dir_.Snapshot(), before);

  // Deleting both at once leaves a valid (empty) set.
  inputs_.Write("both.yaml", std::string(kBackendService) + "---\n" + kRouteToBackend);
  CommandResult both = RunCommand(RunDelete, {"-f", inputs_.Join("both.yaml"), Manifests()});
  EXPECT_EQ(both.code, 0) << both.err;
  EXPECT_EQ(both.out, "service/default/backend deleted\nhttproute/default/split deleted\n");
  EXPECT_TRUE(dir_.Snapshot().empty());
}

TEST_F(LocalCommandsTest, DeleteRefusesSharedFilesAndMissingObjects) {
  dir_.CopyFrom(kMesh);
  const auto before = dir_.Snapshot();
  CommandResult shared = RunCommand(RunDelete, {"wl", "frontend-0", Manifests()});
  EXPECT_EQ(shared.code, 1);
  EXPECT_THAT(shared.err, HasSubstr("workload/default/frontend-0 is defined in workloads.yaml"));
  CommandResult missing = RunCommand(RunDelete, {"svc", "ghost", "-n", "shop", Manifests()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("service/shop/ghost not found"));
  EXPECT_EQ(dir_.Snapshot(), before);

  CommandResult ok = RunCommand(RunDelete, {"tp", "backend", "-n", "shop", Manifests()});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "trafficpolicy/shop/backend deleted\n");
  EXPECT_EQ(dir_.Snapshot().count("policy.yaml"), 0u);
  EXPECT_THAT(RunCommand(RunGet, {"tp", "-A", Manifests()}).err, HasSubstr("No trafficpolicy found"));
}

TEST_F(LocalCommandsTest, NoTemporaryFilesAreLeftBehind) {
  CommandResult applied = Apply(kMesh);
  ASSERT_EQ(applied.code, 0) << applied.err;
  for (const auto& [name, unused] : dir_.Snapshot()) EXPECT_THAT(name, Not(HasSubstr(".tmp")));
}

}  // namespace
}  // namespace weft::meshctl
