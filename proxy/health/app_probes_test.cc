#include "proxy/health/app_probes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::health {
namespace {

using ::testing::HasSubstr;

TEST(AppProbesTest, EmptyMeansNoProbes) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes("  ");
  ASSERT_TRUE(probes.ok()) << probes.status();
  EXPECT_TRUE(probes->empty());
}

TEST(AppProbesTest, ReadsWhatTheInjectorWrites) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes(
      R"({"/app-health/web/readyz":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP",)"
      R"("httpHeaders":[{"name":"X-Probe","value":"1"}]},"timeoutSeconds":3},)"
      R"("/app-health/web/livez":{"tcpSocket":{"port":8081}},)"
      R"("/app-health/db/startupz":{"httpGet":{"port":8443,"scheme":"HTTPS"}},)"
      R"("/app-health/api/readyz":{"grpc":{"port":9090,"service":"api.v1"},"timeoutSeconds":2},)"
      R"("/app-health/api/livez":{"grpc":{"port":9090}}})");
  ASSERT_TRUE(probes.ok()) << probes.status();
  ASSERT_EQ(probes->size(), 5u);
  const AppProbe& ready = probes->at("/app-health/web/readyz");
  EXPECT_EQ(ready.action, AppProbe::Action::kHttpGet);
  EXPECT_EQ(ready.port, 8080);
  EXPECT_EQ(ready.path, "/healthz");
  EXPECT_FALSE(ready.https);
  ASSERT_EQ(ready.headers.size(), 1u);
  EXPECT_EQ(ready.headers[0].first, "X-Probe");
  EXPECT_EQ(ready.timeout, absl::Seconds(3));
  const AppProbe& live = probes->at("/app-health/web/livez");
  EXPECT_EQ(live.action, AppProbe::Action::kTcpSocket);
  EXPECT_EQ(live.port, 8081);
  EXPECT_EQ(live.timeout, absl::Seconds(1));
  const AppProbe& startup = probes->at("/app-health/db/startupz");
  EXPECT_TRUE(startup.https);
  EXPECT_EQ(startup.path, "/");
  const AppProbe& grpc = probes->at("/app-health/api/readyz");
  EXPECT_EQ(grpc.action, AppProbe::Action::kGrpc);
  EXPECT_EQ(grpc.port, 9090);
  EXPECT_EQ(grpc.service, "api.v1");
  EXPECT_EQ(grpc.timeout, absl::Seconds(2));
  EXPECT_EQ(probes->at("/app-health/api/livez").service, "");
}

// Byte for byte what the injector's golden (control-plane/inject/testdata/
// multi_container_probes.patch.json) puts into the proxy container's env.
TEST(AppProbesTest, ReadsTheInjectorGolden) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes(
      R"({"/app-health/web/livez":{"httpGet":{"path":"/healthz","port":8080,"httpHeaders":)"
      R"([{"name":"X-Probe","value":"live"}]},"timeoutSeconds":3},"/app-health/web/readyz":)"
      R"({"tcpSocket":{"port":8080}},"/app-health/metrics-exporter/readyz":{"httpGet":)"
      R"({"path":"/ready","port":9102,"scheme":"HTTP"}}})");
  ASSERT_TRUE(probes.ok()) << probes.status();
  EXPECT_EQ(probes->size(), 3u);
  EXPECT_EQ(probes->at("/app-health/web/livez").timeout, absl::Seconds(3));
  EXPECT_EQ(probes->at("/app-health/metrics-exporter/readyz").port, 9102);
}

// And of control-plane/inject/testdata/grpc_probes.patch.json.
TEST(AppProbesTest, ReadsTheInjectorGrpcGolden) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes(
      R"({"/app-health/api/livez":{"grpc":{"port":9090,"service":"shop.api.v1.Catalog"},)"
      R"("timeoutSeconds":2},"/app-health/api/readyz":{"grpc":{"port":9090}}})");
  ASSERT_TRUE(probes.ok()) << probes.status();
  ASSERT_EQ(probes->size(), 2u);
  EXPECT_EQ(probes->at("/app-health/api/livez").service, "shop.api.v1.Catalog");
  EXPECT_EQ(probes->at("/app-health/api/readyz").action, AppProbe::Action::kGrpc);
}

TEST(AppProbesTest, NotJsonIsOneClearError) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes("{\"/app-health/web/readyz\": ");
  ASSERT_FALSE(probes.ok());
  EXPECT_EQ(probes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(probes.status().message(), HasSubstr("invalid WEFT_APP_PROBES: not JSON"));
}

TEST(AppProbesTest, EveryProblemIsListedWithItsKey) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes(
      R"({"/healthz":{"tcpSocket":{"port":1}},)"
      R"("/app-health/web/readyz":{"httpGet":{"port":"http","scheme":"FTP"}},)"
      R"("/app-health/web/livez":{"exec":{}},)"
      R"("/app-health/web/startupz":{"tcpSocket":{"port":70000},"timeoutSeconds":0},)"
      R"("/app-health/api/readyz":{"httpGet":{"port":80,"httpHeaders":[{"name":"a\r\nb","value":"c"}]}},)"
      R"("/app-health/api/livez":{"grpc":{"service":7}}})");
  ASSERT_FALSE(probes.ok());
  const std::string message(probes.status().message());
  EXPECT_THAT(message, HasSubstr("/healthz: not a path of the form"));
  EXPECT_THAT(message, HasSubstr("/app-health/web/readyz.httpGet.port: \"http\" is not a port"));
  EXPECT_THAT(message, HasSubstr("/app-health/web/readyz.httpGet.scheme: \"FTP\" is not HTTP"));
  EXPECT_THAT(message, HasSubstr("/app-health/web/livez: needs httpGet, tcpSocket or grpc"));
  EXPECT_THAT(message, HasSubstr("/app-health/api/livez.grpc.port: missing"));
  EXPECT_THAT(message, HasSubstr("/app-health/api/livez.grpc.service: 7 is not a string"));
  EXPECT_THAT(message, HasSubstr("/app-health/web/startupz.tcpSocket.port: 70000"));
  EXPECT_THAT(message, HasSubstr("/app-health/web/startupz.timeoutSeconds: 0"));
  EXPECT_THAT(message, HasSubstr("/app-health/api/readyz.httpGet.httpHeaders[0]"));
}

TEST(AppProbesTest, NotAnObjectIsAnError) {
  absl::StatusOr<AppProbes> probes = ParseAppProbes("[1]");
  ASSERT_FALSE(probes.ok());
  EXPECT_THAT(probes.status().message(), HasSubstr("expected an object"));
}

}  // namespace
}  // namespace weft::health
