#include "proxy/observability/request_metrics.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace weft::observability {
namespace {

RequestLabels Labels(absl::string_view code, absl::string_view route = "reviews-v1") {
  RequestLabels l;
  l.direction = "outbound";
  l.source_workload = "web";
  l.destination_service = "reviews.default";
  l.route = route;
  l.response_code = code;
  return l;
}

constexpr char kLabels200[] =
    "{direction=\"outbound\",source_workload=\"web\",destination_service=\"reviews.default\","
    "route=\"reviews-v1\",response_code=\"200\",grpc_status=\"\",reason=\"\"";

TEST(RequestMetricsTest, RecordsAllFourFamiliesAndMergesWorkers) {
  stats::MetricRegistry registry;
  auto families = RequestMetrics::Register(registry, {});
  ASSERT_TRUE(families.ok()) << families.status();
  WorkerRequestMetrics w1(*families, registry.CreateWorkerMetrics());
  WorkerRequestMetrics w2(*families, registry.CreateWorkerMetrics());
  w1.Record(Labels("200"), absl::Milliseconds(3), 10, 100);
  w2.Record(Labels("200"), absl::Milliseconds(700), 5, 50);
  w1.Record(Labels("200"), absl::Milliseconds(4), 1, 1);
  EXPECT_EQ(w1.cached_series(), 1u);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("weft_requests_total", kLabels200, "} 3\n")))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, absl::StrCat("weft_request_bytes_total", kLabels200, "} 16\n")));
  EXPECT_TRUE(
      absl::StrContains(text, absl::StrCat("weft_response_bytes_total", kLabels200, "} 151\n")));
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("weft_request_duration_seconds_bucket",
                                                   kLabels200, ",le=\"0.005\"} 2\n")));
  EXPECT_TRUE(absl::StrContains(
      text, absl::StrCat("weft_request_duration_seconds_bucket", kLabels200, ",le=\"0.5\"} 2\n")));
  EXPECT_TRUE(absl::StrContains(
      text, absl::StrCat("weft_request_duration_seconds_bucket", kLabels200, ",le=\"1\"} 3\n")));
  EXPECT_TRUE(absl::StrContains(
      text, absl::StrCat("weft_request_duration_seconds_count", kLabels200, "} 3\n")));
  // Registering twice is refused, not duplicated.
  EXPECT_EQ(RequestMetrics::Register(registry, {}).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(RequestMetricsTest, CardinalityAndCacheStayBounded) {
  stats::MetricRegistry registry;
  RequestMetrics::Options options;
  options.max_series = 4;
  auto families = RequestMetrics::Register(registry, options);
  ASSERT_TRUE(families.ok());
  WorkerRequestMetrics w(*families, registry.CreateWorkerMetrics());
  for (int i = 0; i < 50; ++i) {
    const std::string route = absl::StrCat("route-", i);
    w.Record(Labels("200", route), absl::Milliseconds(1), 0, 0);
  }
  EXPECT_LE(w.cached_series(), 5u);
  EXPECT_EQ(families->requests().series_count(), 4u);
  EXPECT_EQ(families->requests().overflow_count(), 46u);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, "route=\"__overflow__\""));
  EXPECT_TRUE(absl::StrContains(
      text, "weft_metric_series_overflow_total{family=\"weft_requests_total\"} 46\n"));
}

}  // namespace
}  // namespace weft::observability

namespace weft::observability {
namespace {

TEST(RequestMetricsTest, AlternatingAndGrowingLabelSetsLandInTheirOwnSeries) {
  // Exercises the last-hit shortcut and cache rehashes: every label set must
  // keep its own count whatever order the requests come in.
  stats::MetricRegistry registry;
  auto families = RequestMetrics::Register(registry, {});
  ASSERT_TRUE(families.ok());
  WorkerRequestMetrics w(*families, registry.CreateWorkerMetrics());
  std::vector<std::string> routes;
  for (int i = 0; i < 40; ++i) routes.push_back(absl::StrCat("r", i));
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      // Route i gets i + 1 requests per round, two label sets interleaved.
      for (int k = 0; k <= i; ++k) {
        w.Record(Labels(k % 2 == 0 ? "200" : "503", routes[i]), absl::Milliseconds(1), 0, 0);
      }
    }
  }
  EXPECT_EQ(w.cached_series(), 79u);  // route r0 only ever saw "200"
  const std::string text = registry.RenderPrometheus();
  for (int i : {0, 1, 17, 39}) {
    const int ok = 3 * ((i + 2) / 2);
    const int failed = 3 * ((i + 1) / 2);
    const std::string prefix =
        absl::StrCat("weft_requests_total{direction=\"outbound\",source_workload=\"web\","
                     "destination_service=\"reviews.default\",route=\"r", i, "\",response_code=\"");
    EXPECT_TRUE(absl::StrContains(
        text, absl::StrCat(prefix, "200\",grpc_status=\"\",reason=\"\"} ", ok, "\n")))
        << i;
    if (failed > 0) {
      EXPECT_TRUE(absl::StrContains(
          text, absl::StrCat(prefix, "503\",grpc_status=\"\",reason=\"\"} ", failed, "\n")))
          << i;
    }
  }
}

}  // namespace
}  // namespace weft::observability
