// Feeds a realistic /metrics exposition (labeled families with hostile label
// values, histograms, overflow, and mapped Store stats) to promtool, which both
// parses it as Prometheus would and lints it. Skipped when promtool is missing
// (apt-get install prometheus provides /usr/bin/promtool).
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "proxy/stats/metric_registry.h"
#include "proxy/stats/store_exposition.h"

namespace weft::stats {
namespace {

constexpr char kPromtool[] = "/usr/bin/promtool";

std::string BuildExposition() {
  MetricRegistry registry;
  MetricFamilyOptions rq;
  rq.name = "weft_requests_total";
  rq.help = "Requests, by \"route\" \\ code.\nSecond line.";
  rq.label_names = {"direction", "route", "response_code", "grpc_status", "reason"};
  rq.max_series = 3;
  const MetricFamily* requests = *registry.Register(rq);
  MetricFamilyOptions d;
  d.name = "weft_request_duration_seconds";
  d.help = "Request duration.";
  d.type = MetricType::kHistogram;
  d.label_names = {"direction", "route"};
  d.bucket_bounds.assign(std::begin(kRequestDurationSecondsBuckets),
                         std::end(kRequestDurationSecondsBuckets));
  const MetricFamily* duration = *registry.Register(d);
  MetricFamilyOptions g;
  g.name = "weft_active_requests";
  g.help = "In flight.";
  g.type = MetricType::kGauge;
  const MetricFamily* active = *registry.Register(g);
  MetricFamilyOptions empty;
  empty.name = "weft_never_used_total";
  empty.help = "No series yet.";
  empty.label_names = {"x"};
  EXPECT_TRUE(registry.Register(empty).ok());

  for (int w = 0; w < 2; ++w) {
    WorkerMetrics& worker = registry.CreateWorkerMetrics();
    worker.counter(*requests, {"outbound", "reviews", "200", "", ""}).Inc(10);
    worker
        .counter(*requests, {"inbound", "quote\"back\\slash\nnl", "503", "14", "upstream_timeout"})
        .Inc();
    worker.counter(*requests, {"inbound", "bad utf8 \xFF\xC3", "404", "", "no_route"}).Inc();
    worker.counter(*requests, {"inbound", "over", "cap", "", ""}).Inc();  // -> __overflow__
    Histogram& h = worker.histogram(*duration, {"outbound", "reviews"});
    for (double v : {0.0001, 0.003, 0.07, 1.5, 42.0}) h.Observe(v);
    worker.gauge(*active, {}).Add(w + 1);
  }
  PrometheusTextWriter writer;
  registry.Render(writer);
  RenderStoreSnapshot({{"listener.0.0.0.0_15001.http_rq_2xx", {false, 3}},
                       {"listener.0.0.0.0_15001.cx_active", {true, 1}},
                       {"cluster.outbound|9080||reviews.default.svc.upstream_rq_total", {false, 9}},
                       {"proxy.errors.no_healthy_upstream", {false, 2}},
                       {"server.config_update_ok", {false, 1}}},
                      writer);
  return writer.Release();
}

TEST(PromtoolCheckTest, ExpositionPassesPromtoolCheckMetrics) {
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << kPromtool << " not installed";
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/metrics.prom";
  const std::string text = BuildExposition();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  const std::string command = std::string(kPromtool) + " check metrics < " + path + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output.append(buf, n);
  const int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "promtool said:\n" << output << "\non:\n" << text;
  // The exposition really holds what we meant to check.
  EXPECT_NE(text.find("le=\"+Inf\""), std::string::npos);
  EXPECT_NE(text.find("__overflow__"), std::string::npos);
  EXPECT_NE(text.find("\\\""), std::string::npos);
}

}  // namespace
}  // namespace weft::stats
