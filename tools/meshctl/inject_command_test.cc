#include "tools/meshctl/inject_command.h"

#include "gtest/gtest.h"
#include "tools/meshctl/test_directory.h"

namespace weft::meshctl {
namespace {

using testing::CompareGolden;
using testing::RunCommand;
using testing::TestDirectory;

constexpr char kManifest[] = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: shop/web:1.4}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 80}]}
)";

TEST(InjectCommandTest, InjectsStdinIntoStdout) {
  const testing::CommandResult r =
      RunCommand(RunInject, {"-f", "-", "--proxy_image=weft/mesh-proxy:test",
                             "--init_image=weft/mesh-init:test", "--no-native-sidecar"},
                 kManifest);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "deployment/web: injected\n");
  EXPECT_EQ(CompareGolden("inject_deployment.golden", r.out), "");
}

TEST(InjectCommandTest, ReadsAFileAndNamesBadInput) {
  TestDirectory dir;
  dir.Write("bad.yaml", "kind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n");
  testing::CommandResult r = RunCommand(RunInject, {"-f", dir.Join("bad.yaml")});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("document 1 (pod/p): not a pod: spec.containers"), std::string::npos) << r.err;
  r = RunCommand(RunInject, {"-f", dir.Join("missing.yaml")});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos);
}

TEST(InjectCommandTest, UsageErrors) {
  EXPECT_EQ(RunCommand(RunInject, {}).code, kExitUsage);
  EXPECT_EQ(RunCommand(RunInject, {"-f", "-", "--trust_domain="}, kManifest).code, kExitUsage);
  const testing::CommandResult help = RunCommand(RunInject, {"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--no-native-sidecar"), std::string::npos);
}

}  // namespace
}  // namespace weft::meshctl
