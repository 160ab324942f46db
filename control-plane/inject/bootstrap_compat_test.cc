// The bootstrap the injector writes, read by mesh-proxy's own loader with the
// environment the injected container declares: the ${NAME}s it uses are all
// in that environment, and they expand to the pod's node id and zone.

#include <cstdlib>
#include <set>
#include <string>

#include "common/json/json_value.h"
#include "control-plane/inject/sidecar_parts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/bootstrap_loader.h"

namespace weft::inject {
namespace {

TEST(BootstrapCompatTest, TheInjectedBootstrapLoadsWithTheInjectedEnvironment) {
  PodIdentity id{.ns = "shop", .name = "web", .service_account = "web", .app = "web"};
  const SidecarParts parts =
      BuildSidecarParts(id, PodOptions{}, InjectionConfig{}, json::Json::Object());

  // What the kubelet would set from the downward API.
  std::set<std::string> declared;
  for (const json::Json& env : parts.proxy_container["env"].items()) {
    declared.insert(env.Text("name"));
  }
  for (const char* name : {"POD_NAME", "POD_NAMESPACE", "WEFT_ZONE"}) {
    EXPECT_EQ(declared.count(name), 1u) << name << " is not in the container's env";
  }
  setenv("POD_NAME", "web-7d4b9c-x2x7k", 1);
  setenv("POD_NAMESPACE", "shop", 1);
  setenv("WEFT_ZONE", "eu-west-1a", 1);
  absl::StatusOr<config::ProxyConfig> config =
      config::ParseBootstrapYaml(parts.bootstrap_yaml, "bootstrap.yaml");
  ASSERT_TRUE(config.ok()) << config.status() << "\n" << parts.bootstrap_yaml;
  EXPECT_EQ(config->xds.node_id, "shop/web-7d4b9c-x2x7k");
  EXPECT_EQ(config->xds.zone, "eu-west-1a");

  // Before Kubernetes 1.35 the pod has no zone label: the variable is empty.
  setenv("WEFT_ZONE", "", 1);
  config = config::ParseBootstrapYaml(parts.bootstrap_yaml, "bootstrap.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->xds.zone, "");
}

}  // namespace
}  // namespace weft::inject
