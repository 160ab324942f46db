#include "control-plane/inject/pod_options.h"

#include "gtest/gtest.h"

namespace weft::inject {
namespace {

using json::Json;

TEST(PodOptionsTest, DefaultsComeFromTheConfig) {
  InjectionConfig config;
  config.proxy_cpu = "50m";
  absl::StatusOr<PodOptions> o = ReadPodOptions(Json(), config);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->inject.has_value());
  EXPECT_EQ(o->cpu, "50m");
  EXPECT_EQ(o->memory, config.proxy_memory);
  EXPECT_TRUE(o->rewrite_app_probes);
}

TEST(PodOptionsTest, ReadsEveryAnnotation) {
  absl::StatusOr<Json> a = Json::Parse(R"({"weft.dev/inject": "enabled",
      "weft.dev/exclude-inbound-ports": " 22, 8081 ", "weft.dev/exclude-outbound-ports": "5432",
      "weft.dev/exclude-outbound-cidrs": "10.0.0.0/8,::1/128", "weft.dev/proxy-cpu": "1.5",
      "weft.dev/rewrite-app-probes": "false"})");
  absl::StatusOr<PodOptions> o = ReadPodOptions(*a, InjectionConfig());
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->inject, true);
  EXPECT_EQ(o->exclude_inbound_ports, (std::vector<int>{22, 8081}));
  EXPECT_EQ(o->exclude_outbound_ports, (std::vector<int>{5432}));
  EXPECT_EQ(o->exclude_outbound_cidrs, (std::vector<std::string>{"10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(o->cpu, "1.5");
  EXPECT_FALSE(o->rewrite_app_probes);
}

TEST(PodOptionsTest, ReportsEveryProblemAtOnce) {
  absl::StatusOr<Json> a = Json::Parse(R"({"weft.dev/inject": "maybe",
      "weft.dev/exclude-outbound-ports": "0,70000", "weft.dev/exclude-outbound-cidrs": "10.0.0.1",
      "weft.dev/proxy-memory-limit": "-1Gi", "weft.dev/proxy-cpu": 2})");
  absl::StatusOr<PodOptions> o = ReadPodOptions(*a, InjectionConfig());
  ASSERT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string m(o.status().message());
  for (const char* want : {"weft.dev/inject: \"maybe\"", "\"0\" is not a port", "\"70000\"",
                           "\"10.0.0.1\" is not a CIDR", "\"-1Gi\" is not a resource quantity",
                           "weft.dev/proxy-cpu: must be a string"}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << " missing from: " << m;
  }
}

TEST(PodOptionsTest, ConfigValidationNamesEveryField) {
  InjectionConfig config;
  config.proxy_image = "";
  config.control_plane_address = "nohostport";
  config.token_expiration_seconds = 60;
  const absl::Status s = config.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("proxy_image"), std::string::npos);
  EXPECT_NE(s.message().find("control_plane_address"), std::string::npos);
  EXPECT_NE(s.message().find("token_expiration_seconds"), std::string::npos);
  EXPECT_TRUE(InjectionConfig().Validate().ok());
}

}  // namespace
}  // namespace weft::inject
