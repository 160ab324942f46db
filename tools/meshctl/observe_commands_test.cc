// meshctl stat / top / proxy-config / check against canned HTTP responses.
#include "tools/meshctl/observe_commands.h"

#include <sstream>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "tools/meshctl/test_directory.h"

namespace weft::meshctl {
namespace {

using testing::CompareGolden;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Invoke(int (*command)(const std::vector<std::string>&, const CommandEnv&),
           const std::vector<std::string>& args, FakeHttpFetcher& http,
           const TimeSource* time = nullptr) {
  std::istringstream in;
  std::ostringstream out, err;
  CommandEnv env{&in, &out, &err};
  env.http = &http;
  env.time = time;
  env.sleep = [](absl::Duration) {};  // no real waiting in tests
  const int code = command(args, env);
  return {code, out.str(), err.str()};
}

constexpr char kProxies[] = R"({"proxies": [
    {"node_id": "default/frontend-0", "peer": "ipv4:10.77.0.12:40000", "api": "delta", "connected_seconds": 3, "state": "SYNCED", "types": [{"type": "cds", "state": "SYNCED", "version_sent": "v1", "version_acked": "v1", "last_nack_error": ""}]},
    {"node_id": "default/reviews-0", "peer": "ipv4:10.77.0.13:40002", "api": "delta", "connected_seconds": 3, "state": "NACKED", "types": [{"type": "lds", "state": "NACKED", "version_sent": "v2", "version_acked": "v1", "last_nack_error": "listener outbound: bad port"}, {"type": "eds", "state": "STALE", "version_sent": "v3", "version_acked": "v2", "last_nack_error": ""}]}
]}
)";

const absl::Status kNoCa = absl::FailedPreconditionError(
    "GET http://127.0.0.1:15014/debug/certs: HTTP 404");

constexpr char kModel[] = R"({"version": "abc", "in_error": false, "last_error": "", "model": {"services": []}})";

std::string Metrics(int ok, int failed, int fast, int slow) {
  // ok+failed requests; `fast` took <= 5 ms, `slow` 50-100 ms.
  const std::string l = "direction=\"outbound\",source_workload=\"frontend\",destination_service="
                        "\"outbound|80||reviews.default.svc.cluster.local\",route=\"reviews\"";
  const int total = fast + slow;
  return "# TYPE weft_requests_total counter\n"
         "weft_requests_total{" + l + ",response_code=\"200\"} " + std::to_string(ok) + "\n"
         "weft_requests_total{" + l + ",response_code=\"503\"} " + std::to_string(failed) + "\n"
         "weft_requests_total{direction=\"inbound\",destination_service=\"inbound|8080||\",route=\"\",response_code=\"200\"} 999\n"
         "# TYPE weft_request_duration_seconds histogram\n"
         "weft_request_duration_seconds_bucket{" + l + ",le=\"0.005\"} " + std::to_string(fast) + "\n"
         "weft_request_duration_seconds_bucket{" + l + ",le=\"0.05\"} " + std::to_string(fast) + "\n"
         "weft_request_duration_seconds_bucket{" + l + ",le=\"0.1\"} " + std::to_string(total) + "\n"
         "weft_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " + std::to_string(total) + "\n";
}

TEST(GoldenStatsTest, HistogramQuantileMatchesPromQL) {
  // 100 observations: 90 in (0, 0.005], 10 in (0.05, 0.1].
  std::vector<std::pair<double, double>> b = {
      {0.005, 90}, {0.05, 90}, {0.1, 100}, {std::numeric_limits<double>::infinity(), 100}};
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, b), 0.005 * 50 / 90);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.99, b), 0.05 + 0.05 * 9 / 10);
  // Everything in +Inf: the highest finite bound, as Prometheus answers.
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, {{0.1, 0}, {std::numeric_limits<double>::infinity(), 5}}),
                   0.1);
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {{0.1, 0}})));
}

TEST(GoldenStatsTest, ServiceMatching) {
  const std::string d = "outbound|80||reviews.default.svc.cluster.local";
  EXPECT_TRUE(ServiceMatches(d, "reviews"));
  EXPECT_TRUE(ServiceMatches(d, "reviews.default"));
  EXPECT_TRUE(ServiceMatches(d, d));
  EXPECT_FALSE(ServiceMatches(d, "review"));
  EXPECT_FALSE(ServiceMatches(d, "ratings"));
}

TEST(ObserveCommandsTest, StatFromTwoScrapes) {
  FakeHttpFetcher http;
  http.Add("10.77.0.12:15020", "/metrics", Metrics(10, 0, 10, 0));
  http.Add("10.77.0.12:15020", "/metrics", Metrics(100, 10, 90, 20));
  Outcome r = Invoke(RunStat, {"reviews", "--address=10.77.0.12:15020", "--window=10s"}, http);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(CompareGolden("stat_reviews.golden", r.out), "");

  FakeHttpFetcher again;
  again.Add("10.77.0.12:15020", "/metrics", Metrics(10, 0, 10, 0));
  again.Add("10.77.0.12:15020", "/metrics", Metrics(100, 10, 90, 20));
  r = Invoke(RunStat, {"reviews", "--address=10.77.0.12:15020", "--window=10s", "-o", "json"},
             again);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(CompareGolden("stat_reviews_json.golden", r.out), "");
}

TEST(ObserveCommandsTest, StatDiscoversProxiesThroughTheControlPlane) {
  FakeHttpFetcher http;
  http.Add("127.0.0.1:15014", "/debug/proxies", kProxies);
  http.Add("10.77.0.12:15020", "/metrics", Metrics(0, 0, 0, 0));
  http.Add("10.77.0.12:15020", "/metrics", Metrics(50, 0, 50, 0));
  // reviews-0 is not reachable: a warning, the rest still counts.
  Outcome r = Invoke(RunStat, {"reviews", "-o", "yaml"}, http);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("warning: default/reviews-0 (10.77.0.13:15020)"), std::string::npos);
  EXPECT_EQ(CompareGolden("stat_reviews_yaml.golden", r.out), "");
}

TEST(ObserveCommandsTest, StatWithNoTrafficIsExitOne) {
  FakeHttpFetcher http;
  http.Add("10.77.0.12:15020", "/metrics", Metrics(5, 0, 5, 0));
  Outcome r = Invoke(RunStat, {"ratings", "--address=10.77.0.12:15020"}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.out, "No requests in the last 5s.\n");
}

TEST(ObserveCommandsTest, StatUsageErrors) {
  FakeHttpFetcher http;
  EXPECT_EQ(Invoke(RunStat, {}, http).code, kExitUsage);
  EXPECT_EQ(Invoke(RunStat, {"x", "--window=forever"}, http).code, kExitUsage);
  EXPECT_EQ(Invoke(RunStat, {"x", "-o", "xml"}, http).code, kExitUsage);
  Outcome r = Invoke(RunStat, {"x"}, http);  // no control plane
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("cannot list proxies from the control plane at 127.0.0.1:15014"),
            std::string::npos);
  EXPECT_EQ(Invoke(RunStat, {"--help"}, http).code, kExitOk);
}

TEST(ObserveCommandsTest, TopIsBoundedByIterations) {
  FakeHttpFetcher http;
  http.Add("a:1", "/metrics", Metrics(0, 0, 0, 0));
  http.Add("a:1", "/metrics", Metrics(20, 0, 20, 0));
  http.Add("a:1", "/metrics", Metrics(40, 0, 40, 0));
  Outcome r = Invoke(RunTop, {"--address=a:1", "--iterations=2"}, http);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(http.calls(), 3);  // one baseline + two refreshes
  EXPECT_EQ(CompareGolden("top.golden", r.out), "");
  EXPECT_EQ(Invoke(RunTop, {"--iterations=1000"}, http).code, kExitUsage);
}

constexpr char kDump[] = R"({
  "source": "xds:10.77.0.1:15010",
  "admin": {"address": "127.0.0.1", "port": 15000},
  "listeners": [{"name": "outbound", "address": "0.0.0.0", "port": 15001, "original_dst": true, "protocol": "auto", "opaque_ports": [], "detection_timeout": "500ms", "route_config": "", "default_cluster": "passthrough", "filter_chains": [{"name": "reviews", "destination_prefixes": ["10.96.0.5/32"], "destination_port": 80, "protocol": "http", "route_config": "80", "cluster": ""}]}],
  "route_configs": [{"name": "80", "virtual_hosts": [{"name": "reviews", "domains": ["reviews", "10.96.0.5"], "routes": [{"name": "split", "match": {"prefix": "/"}, "weighted_clusters": [{"name": "v1", "weight": 90}, {"name": "v2", "weight": 10}]}]}]}],
  "clusters": [{"name": "outbound|80||reviews.default.svc.cluster.local", "type": "eds", "endpoints": [{"address": "10.77.0.13", "port": 8080, "weight": 1}, {"address": "10.77.0.14", "port": 8080, "weight": 2}], "load_balancing": {"policy": "round_robin"}}]
}
)";

// The proxy's /certs view (proxy/admin/inspection.h), as 15020 serves it.
constexpr char kCerts[] = R"({"identity_enabled": true, "ready": true, "identity": "spiffe://cluster.local/ns/default/sa/frontend", "not_after": "2026-11-28T00:00:00Z", "seconds_to_expiry": 86100, "trust_bundle": {"source": "sds", "roots": ["9f:86:d0:81", "60:30:3a:e2"]}, "contexts_built": 3, "last_error": ""}
)";

TEST(ObserveCommandsTest, ProxyConfigSections) {
  for (const char* section : {"listeners", "routes", "clusters", "endpoints", "secrets"}) {
    FakeHttpFetcher http;
    http.Add("127.0.0.1:15014", "/debug/proxies", kProxies);
    http.Add("10.77.0.12:15020", "/config_dump", kDump);
    http.Add("10.77.0.12:15020", "/certs?format=json", kCerts);
    Outcome r = Invoke(RunProxyConfig, {"frontend-0", section}, http);
    EXPECT_EQ(r.code, kExitOk) << section << ": " << r.err;
    EXPECT_EQ(CompareGolden(std::string("proxy_config_") + section + ".golden", r.out), "");
  }
}

TEST(ObserveCommandsTest, ProxyConfigJsonIsTheDumpSection) {
  FakeHttpFetcher http;
  http.Add("10.77.0.12:15020", "/config_dump", kDump);
  Outcome r = Invoke(RunProxyConfig, {"x", "endpoints", "--address=10.77.0.12:15020", "-o", "json"},
                 http);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(CompareGolden("proxy_config_endpoints_json.golden", r.out), "");
}

TEST(ObserveCommandsTest, ProxyConfigSecretsStates) {
  absl::StatusOr<Json> none = Json::Parse(R"({"identity_enabled": false, "ready": false})");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(FormatSecrets(*none),
            "No secrets: the proxy runs without a workload identity (no mTLS).\n");
  absl::StatusOr<Json> pending = Json::Parse(
      R"({"identity_enabled": true, "ready": false, "identity": "", "trust_bundle": )"
      R"({"source": "ca", "roots": []}, "last_error": "CA unreachable: connection refused"})");
  ASSERT_TRUE(pending.ok());
  const std::string table = FormatSecrets(*pending);
  EXPECT_NE(table.find("PENDING"), std::string::npos) << table;
  EXPECT_NE(table.find("last error: CA unreachable: connection refused"), std::string::npos)
      << table;
  absl::StatusOr<Json> expired = Json::Parse(
      R"({"identity_enabled": true, "ready": true, "identity": "spiffe://a/ns/b/sa/c", )"
      R"("not_after": "2026-01-01T00:00:00Z", "seconds_to_expiry": 0, "trust_bundle": )"
      R"({"source": "sds", "roots": ["aa"]}})");
  ASSERT_TRUE(expired.ok());
  EXPECT_NE(FormatSecrets(*expired).find("EXPIRED"), std::string::npos);
}

TEST(ObserveCommandsTest, ProxyConfigSecretsJsonIsTheCertsView) {
  FakeHttpFetcher http;
  http.Add("10.77.0.12:15020", "/certs?format=json", kCerts);
  Outcome r = Invoke(RunProxyConfig, {"x", "secrets", "--address=10.77.0.12:15020", "-o", "json"},
                     http);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  absl::StatusOr<Json> printed = Json::Parse(r.out);
  ASSERT_TRUE(printed.ok()) << r.out;
  EXPECT_EQ((*printed)["identity"].as_string(), "spiffe://cluster.local/ns/default/sa/frontend");
  EXPECT_EQ((*printed)["trust_bundle"]["roots"].items().size(), 2u);
}

TEST(ObserveCommandsTest, ProxyConfigErrors) {
  FakeHttpFetcher http;
  http.Add("127.0.0.1:15014", "/debug/proxies", kProxies);
  Outcome r = Invoke(RunProxyConfig, {"nope"}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.err,
            "error: no connected proxy is named \"nope\" (connected: default/frontend-0, "
            "default/reviews-0)\n");
  EXPECT_EQ(Invoke(RunProxyConfig, {"frontend-0", "bogus"}, http).code, kExitUsage);
  http.Add("1.2.3.4:1", "/config_dump", "{not json");
  r = Invoke(RunProxyConfig, {"x", "--address=1.2.3.4:1"}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("invalid JSON at byte 1"), std::string::npos) << r.err;
}

TEST(ObserveCommandsTest, CheckListsEveryProblem) {
  FakeHttpFetcher http;
  http.Add("127.0.0.1:15014", "/debug/proxies", kProxies);
  http.Add("127.0.0.1:15014", "/debug/model", kModel);
  http.AddError("127.0.0.1:15014", "/debug/certs", kNoCa);
  Outcome r = Invoke(RunCheck, {}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(CompareGolden("check_problems.golden", r.out), "");
  FakeHttpFetcher again;
  again.Add("127.0.0.1:15014", "/debug/proxies", kProxies);
  again.Add("127.0.0.1:15014", "/debug/model", kModel);
  again.AddError("127.0.0.1:15014", "/debug/certs", kNoCa);
  r = Invoke(RunCheck, {"-o", "json"}, again);
  EXPECT_EQ(CompareGolden("check_problems_json.golden", r.out), "");
}

TEST(ObserveCommandsTest, CheckHealthyAndUnreachable) {
  FakeHttpFetcher http;
  http.Add("127.0.0.1:15014", "/debug/proxies", R"({"proxies": [{"node_id": "a/b", "types": [{"type": "lds", "state": "SYNCED"}]}]})");
  http.Add("127.0.0.1:15014", "/debug/model", kModel);
  http.AddError("127.0.0.1:15014", "/debug/certs", kNoCa);
  Outcome r = Invoke(RunCheck, {}, http);
  EXPECT_EQ(r.code, kExitOk) << r.out;
  EXPECT_NE(r.out.find("ok   1/1 proxies connected and synced\n"), std::string::npos);
  FakeHttpFetcher none;
  r = Invoke(RunCheck, {}, none);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.out.find("FAIL control plane: unreachable at 127.0.0.1:15014"), std::string::npos);
}

// 2026-01-01T02:00:00Z.
constexpr int64_t kNow = 1767232800;

constexpr char kHealthyCerts[] = R"({"trust_domain": "cluster.local",
  "rotation": {"phase": "stable", "switch_at": null, "retire_at": null},
  "roots": [{"fingerprint": "aaaaaaaaaaaaaaaaaaaaaaaa", "role": "signing", "not_after": "2036-01-01T00:00:00Z"},
            {"fingerprint": "bbbbbbbbbbbbbbbbbbbbbbbb", "role": "retiring", "not_after": "2026-01-01T01:00:00Z"}],
  "workloads": [
    {"spiffe_id": "spiffe://cluster.local/ns/default/sa/web", "serial": "01", "root": "aaaa", "not_after": "2026-01-01T02:30:00Z"},
    {"spiffe_id": "spiffe://cluster.local/ns/default/sa/web", "serial": "02", "root": "aaaa", "not_after": "2026-01-02T02:00:00Z"}]})";

FakeHttpFetcher& WithOneProxy(FakeHttpFetcher& http, const std::string& certs,
                              const std::string& metrics) {
  http.Add("127.0.0.1:15014", "/debug/proxies",
           R"({"proxies": [{"node_id": "default/web-0", "peer": "ipv4:10.77.0.12:40000", "types": [{"type": "lds", "state": "SYNCED"}]}]})");
  http.Add("127.0.0.1:15014", "/debug/model", kModel);
  http.Add("127.0.0.1:15014", "/debug/certs", certs);
  if (!metrics.empty()) http.Add("10.77.0.12:15020", "/metrics", metrics);
  return http;
}

TEST(ObserveCommandsTest, CheckPassesWithValidCertificates) {
  SimulatedTimeSource time(absl::FromUnixSeconds(kNow));
  FakeHttpFetcher http;
  // A renewed identity's older certificate (30 minutes left) does not count; the
  // retiring root is on its way out.
  Outcome r = Invoke(RunCheck, {}, WithOneProxy(http, kHealthyCerts,
                                                "weft_workload_cert_expiry_seconds 86000\n"),
                     &time);
  EXPECT_EQ(r.code, kExitOk) << r.out;
  EXPECT_NE(r.out.find("ok   certificates: 1 root(s) valid for 24h+, 1 workload identity valid for 1h+\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok   certificates of 1 proxies read\n"), std::string::npos) << r.out;
}

TEST(ObserveCommandsTest, CheckFailsOnExpiringCertificates) {
  SimulatedTimeSource time(absl::FromUnixSeconds(kNow));
  FakeHttpFetcher http;
  const std::string certs = R"({"roots": [{"fingerprint": "aaaaaaaaaaaaaaaaaaaaaaaa", "role": "signing", "not_after": "2026-01-01T12:00:00Z"},
                                          {"fingerprint": "cccccccccccccccccccccccc", "role": "incoming", "not_after": "2025-12-31T00:00:00Z"}],
    "workloads": [{"spiffe_id": "spiffe://cluster.local/ns/default/sa/db", "not_after": "2026-01-01T02:20:00Z"},
                  {"spiffe_id": "spiffe://cluster.local/ns/default/sa/old", "not_after": "2026-01-01T01:00:00Z"}]})";
  Outcome r = Invoke(RunCheck, {}, WithOneProxy(http, certs, "weft_workload_cert_expiry_seconds 600\n"),
                     &time);
  EXPECT_EQ(r.code, kExitInvalid) << r.out;
  EXPECT_EQ(CompareGolden("check_certs.golden", r.out), "");
  // Looser limits: everything that has not expired passes.
  FakeHttpFetcher again;
  r = Invoke(RunCheck, {"--root_min_validity=1h", "--cert_min_validity=5m", "-o", "json"},
             WithOneProxy(again, certs, "weft_workload_cert_expiry_seconds 600\n"), &time);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.out.find("sa/db"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("root cccccccccccccccc (incoming): expired 26h ago"), std::string::npos) << r.out;
}

TEST(ObserveCommandsTest, CheckProxyWithoutCertificateOrUnreachable) {
  SimulatedTimeSource time(absl::FromUnixSeconds(kNow));
  FakeHttpFetcher http;
  Outcome r = Invoke(RunCheck, {}, WithOneProxy(http, kHealthyCerts,
                                                "weft_workload_cert_expiry_seconds 0\n"), &time);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.out.find("FAIL proxy default/web-0: no workload certificate yet"), std::string::npos)
      << r.out;
  FakeHttpFetcher unreachable;
  r = Invoke(RunCheck, {}, WithOneProxy(unreachable, kHealthyCerts, ""), &time);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.out.find("FAIL proxy default/web-0: certificate not checked: 10.77.0.12:15020"),
            std::string::npos) << r.out;
  FakeHttpFetcher skipped;
  r = Invoke(RunCheck, {"--no_proxy_certs"}, WithOneProxy(skipped, kHealthyCerts, ""), &time);
  EXPECT_EQ(r.code, kExitOk) << r.out;
  // A proxy without mTLS exports no expiry metric: nothing to check.
  FakeHttpFetcher plaintext;
  r = Invoke(RunCheck, {}, WithOneProxy(plaintext, kHealthyCerts, "weft_requests_total 1\n"), &time);
  EXPECT_EQ(r.code, kExitOk) << r.out;
  EXPECT_EQ(Invoke(RunCheck, {"--root_min_validity=soon"}, plaintext, &time).code, kExitUsage);
}

TEST(JsonValueTest, ParseDumpRoundTrip) {
  absl::StatusOr<Json> j = Json::Parse(R"({"a": [1, 2.5, "x\"y", true, null], "b": {}})");
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(j->Dump(), "{\n  \"a\": [\n    1,\n    2.5,\n    \"x\\\"y\",\n    true,\n    null\n  ],\n  \"b\": {}\n}\n");
  EXPECT_EQ(j->DumpYaml(), "a:\n  - 1\n  - 2.5\n  - x\"y\n  - true\n  - null\nb: {}\n");
  EXPECT_FALSE(Json::Parse("[1,").ok());
  EXPECT_FALSE(Json::Parse(std::string(100, '[')).ok());
}

}  // namespace
}  // namespace weft::meshctl
