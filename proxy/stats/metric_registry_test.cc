#include "proxy/stats/metric_registry.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace weft::stats {
namespace {

MetricFamilyOptions CounterOptions(std::string name, std::vector<std::string> labels,
                                   size_t max_series = 1000) {
  MetricFamilyOptions o;
  o.name = std::move(name);
  o.help = "Test counter.";
  o.type = MetricType::kCounter;
  o.label_names = std::move(labels);
  o.max_series = max_series;
  return o;
}

TEST(MetricRegistryTest, RejectsBadOptionsListingEveryProblem) {
  MetricRegistry registry;
  MetricFamilyOptions o = CounterOptions("bad.name", {"ok", "__reserved", "ok"});
  o.max_series = 0;
  auto result = registry.Register(o);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(result.status().message());
  EXPECT_TRUE(absl::StrContains(msg, "invalid metric name \"bad.name\"")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "must end in _total")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "invalid label name \"__reserved\"")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "duplicate label name \"ok\"")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "max_series")) << msg;
}

TEST(MetricRegistryTest, RejectsHistogramProblemsAndDuplicates) {
  MetricRegistry registry;
  MetricFamilyOptions h;
  h.name = "weft_h_seconds";
  h.type = MetricType::kHistogram;
  h.label_names = {"le"};
  h.bucket_bounds = {1, 0.5};
  auto bad = registry.Register(h);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "\"le\" is reserved"));
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "strictly increasing"));

  ASSERT_TRUE(registry.Register(CounterOptions("weft_a_total", {})).ok());
  EXPECT_EQ(registry.Register(CounterOptions("weft_a_total", {})).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register(CounterOptions(std::string(kOverflowFamilyName), {})).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(MetricRegistryTest, MergesSameLabelsAcrossWorkers) {
  MetricRegistry registry;
  const MetricFamily* rq = *registry.Register(CounterOptions("weft_rq_total", {"code"}));
  WorkerMetrics& w1 = registry.CreateWorkerMetrics();
  WorkerMetrics& w2 = registry.CreateWorkerMetrics();
  w1.counter(*rq, {"200"}).Inc(3);
  w2.counter(*rq, {"200"}).Inc(4);
  w2.counter(*rq, {"503"}).Inc();
  // The same worker resolving twice gets the same cell.
  EXPECT_EQ(&w1.counter(*rq, {"200"}), &w1.counter(*rq, {"200"}));
  EXPECT_NE(&w1.counter(*rq, {"200"}), &w2.counter(*rq, {"200"}));
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP weft_rq_total Test counter.\n"
            "# TYPE weft_rq_total counter\n"
            "weft_rq_total{code=\"200\"} 7\n"
            "weft_rq_total{code=\"503\"} 1\n"
            "# HELP weft_metric_series_overflow_total Label-set lookups that hit a family's "
            "cardinality cap and went to its __overflow__ series.\n"
            "# TYPE weft_metric_series_overflow_total counter\n"
            "weft_metric_series_overflow_total{family=\"weft_rq_total\"} 0\n");
}

TEST(MetricRegistryTest, GaugesSumAcrossWorkers) {
  MetricRegistry registry;
  MetricFamilyOptions o;
  o.name = "weft_active";
  o.type = MetricType::kGauge;
  const MetricFamily* g = *registry.Register(o);
  registry.CreateWorkerMetrics().gauge(*g, {}).Add(5);
  registry.CreateWorkerMetrics().gauge(*g, {}).Sub(7);
  EXPECT_TRUE(absl::StrContains(registry.RenderPrometheus(), "\nweft_active -2\n"));
}

TEST(MetricRegistryTest, HistogramRendersCumulativeBucketsSumAndCount) {
  MetricRegistry registry;
  MetricFamilyOptions o;
  o.name = "weft_d_seconds";
  o.help = "D.";
  o.type = MetricType::kHistogram;
  o.label_names = {"route"};
  o.bucket_bounds = {0.5, 1};
  const MetricFamily* h = *registry.Register(o);
  WorkerMetrics& w1 = registry.CreateWorkerMetrics();
  WorkerMetrics& w2 = registry.CreateWorkerMetrics();
  w1.histogram(*h, {"r"}).Observe(0.25);
  w2.histogram(*h, {"r"}).Observe(0.75);
  w2.histogram(*h, {"r"}).Observe(3);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text,
                                "# TYPE weft_d_seconds histogram\n"
                                "weft_d_seconds_bucket{route=\"r\",le=\"0.5\"} 1\n"
                                "weft_d_seconds_bucket{route=\"r\",le=\"1\"} 2\n"
                                "weft_d_seconds_bucket{route=\"r\",le=\"+Inf\"} 3\n"
                                "weft_d_seconds_sum{route=\"r\"} 4\n"
                                "weft_d_seconds_count{route=\"r\"} 3\n"))
      << text;
}

TEST(MetricRegistryTest, CapsDistinctLabelSetsAcrossWorkers) {
  MetricRegistry registry;
  const MetricFamily* rq =
      *registry.Register(CounterOptions("weft_rq_total", {"path", "code"}, /*max_series=*/2));
  WorkerMetrics& w1 = registry.CreateWorkerMetrics();
  WorkerMetrics& w2 = registry.CreateWorkerMetrics();
  w1.counter(*rq, {"/a", "200"}).Inc();
  w2.counter(*rq, {"/b", "200"}).Inc();
  // Already admitted on another worker: still its own series.
  w2.counter(*rq, {"/a", "200"}).Inc();
  // Family full: every new label set shares one overflow series per worker.
  for (int i = 0; i < 100; ++i) {
    w1.counter(*rq, {"/x" + std::to_string(i), "200"}).Inc();
  }
  Counter& overflow = w2.counter(*rq, {"/y", "404"});
  EXPECT_EQ(&overflow, &w2.counter(*rq, {"/z", "500"}));
  overflow.Inc(5);
  EXPECT_EQ(rq->series_count(), 2u);
  EXPECT_EQ(rq->overflow_count(), 102u);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text,
                                "weft_rq_total{path=\"/a\",code=\"200\"} 2\n"
                                "weft_rq_total{path=\"/b\",code=\"200\"} 1\n"
                                "weft_rq_total{path=\"__overflow__\",code=\"__overflow__\"} 105\n"))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, "weft_metric_series_overflow_total{family=\"weft_rq_total\"} 102\n"));
}

TEST(MetricRegistryTest, WrongArityGoesToOverflowAndWrongTypeIsNotExported) {
  MetricRegistry registry;
  const MetricFamily* rq = *registry.Register(CounterOptions("weft_rq_total", {"code"}));
  WorkerMetrics& w = registry.CreateWorkerMetrics();
  w.counter(*rq, {"200", "extra"}).Inc();
  w.gauge(*rq, {"200"}).Add(9);  // a counter family: not exported
  w.histogram(*rq, {"200"}).Observe(1);
  EXPECT_EQ(rq->overflow_count(), 1u);
  EXPECT_EQ(rq->series_count(), 0u);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, "weft_rq_total{code=\"__overflow__\"} 1\n")) << text;
  EXPECT_FALSE(absl::StrContains(text, " 9\n")) << text;
}

TEST(MetricRegistryTest, TruncatesLongLabelValuesOnACharacterBoundary) {
  MetricRegistry registry;
  MetricFamilyOptions o = CounterOptions("weft_rq_total", {"route"});
  o.max_label_value_bytes = 4;
  const MetricFamily* rq = *registry.Register(o);
  WorkerMetrics& w = registry.CreateWorkerMetrics();
  // "abc" + "é" (2 bytes) would cut é in half at 4 bytes: keep "abc".
  EXPECT_EQ(&w.counter(*rq, {"abc\xC3\xA9xyz"}), &w.counter(*rq, {"abc"}));
  w.counter(*rq, {"abcd-long"}).Inc();
  EXPECT_TRUE(absl::StrContains(registry.RenderPrometheus(), "{route=\"abcd\"} 1\n"));
}

TEST(MetricRegistryTest, ConcurrentWritesAndScrapesAddUp) {
  MetricRegistry registry;
  const MetricFamily* rq = *registry.Register(CounterOptions("weft_rq_total", {"w"}));
  MetricFamilyOptions ho;
  ho.name = "weft_d_seconds";
  ho.type = MetricType::kHistogram;
  ho.bucket_bounds = {1};
  const MetricFamily* h = *registry.Register(ho);
  constexpr int kWorkers = 4;
  constexpr int kPerWorker = 20000;
  std::vector<WorkerMetrics*> workers;
  for (int i = 0; i < kWorkers; ++i) workers.push_back(&registry.CreateWorkerMetrics());
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      Counter& c = workers[i]->counter(*rq, {"all"});
      Histogram& hist = workers[i]->histogram(*h, {});
      for (int n = 0; n < kPerWorker; ++n) {
        c.Inc();
        hist.Observe(0.5);
      }
    });
  }
  for (int i = 0; i < 20; ++i) registry.RenderPrometheus();  // races the writers
  for (auto& t : threads) t.join();
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, "weft_rq_total{w=\"all\"} 80000\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "weft_d_seconds_count 80000\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "weft_d_seconds_sum 40000\n")) << text;
}

}  // namespace
}  // namespace weft::stats
