#include "control-plane/inject/probe_rewrite.h"

#include <string>

#include "common/json/json_value.h"
#include "gtest/gtest.h"

namespace weft::inject {
namespace {

using json::Json;

// The containers of a pod whose one container has a tcpSocket readiness probe
// on `port` (JSON text) and a container port "http" numbered `named` (JSON text).
Json Containers(const std::string& port, const std::string& named = "8080") {
  absl::StatusOr<Json> parsed = Json::Parse(
      R"([{"name": "web", "ports": [{"name": "http", "containerPort": )" + named +
      R"(}], "readinessProbe": {"tcpSocket": {"port": )" + port + "}}}]");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return *parsed;
}

TEST(ProbeRewriteTest, APortIsANumberANumericStringOrAContainerPortName) {
  for (const std::string port : {"8080", R"("8080")", R"("http")"}) {
    ProbeRewrites out;
    RewriteProbes(Containers(port), "/spec/containers", {}, &out);
    ASSERT_EQ(out.ops.size(), 1u) << port;
    EXPECT_EQ(out.originals["/app-health/web/readyz"]["tcpSocket"]["port"].as_number(), 8080)
        << port;
  }
}

TEST(ProbeRewriteTest, WhatIsNotAPortLeavesTheProbeAlone) {
  // Found by the admission_review fuzz target: 8.07e17 made the conversion to
  // int undefined behaviour.
  for (const std::string port : {"806666666666666680", "-1", "0", "70000", "8080.5", "1e300",
                                 R"("99999")", R"("-80")", R"("nope")", "true", "null"}) {
    ProbeRewrites out;
    RewriteProbes(Containers(port), "/spec/containers", {}, &out);
    EXPECT_TRUE(out.ops.empty()) << port;
  }
  ProbeRewrites out;
  RewriteProbes(Containers(R"("http")", "1e19"), "/spec/containers", {}, &out);
  EXPECT_TRUE(out.ops.empty()) << "a named port whose number is not a port";
}

TEST(ProbeRewriteTest, ExcludedInboundPortsKeepTheirProbes) {
  ProbeRewrites out;
  RewriteProbes(Containers("8080"), "/spec/containers", {8080}, &out);
  EXPECT_TRUE(out.ops.empty());
}

}  // namespace
}  // namespace weft::inject
