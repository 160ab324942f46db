#ifndef WEFT_PROXY_STATS_METRIC_REGISTRY_H_
#define WEFT_PROXY_STATS_METRIC_REGISTRY_H_

// Labeled metric families (counters, gauges, histograms) with bounded
// cardinality, written per worker without locks and merged on scrape into the
// Prometheus text format.
//
// A family is registered once, at startup, on the registry. Each worker thread
// gets its own WorkerMetrics and resolves a (family, label values) pair to a
// Counter/Gauge/Histogram reference ONCE, under the worker's lock, then caches the
// reference (per route, per upstream, per response code...) and writes it with
// relaxed atomics on the hot path. On scrape, the registry sums every worker's
// series with the same label values.
//
// Cardinality: each family admits at most `max_series` distinct label sets,
// counted across all workers. Once full, a new label set resolves to the
// family's single overflow series (every label = "__overflow__") and bumps
// weft_metric_series_overflow_total{family="<name>"}. Memory is therefore
// bounded by families x (max_series + 1) x workers, whatever the traffic.
// Label values longer than `max_label_value_bytes` are truncated.
//
//   MetricRegistry registry;
//   MetricFamilyOptions o;
//   o.name = "weft_requests_total";
//   o.help = "Requests handled.";
//   o.label_names = {"route", "response_code"};
//   const MetricFamily* requests = *registry.Register(o);  // check the status
//   WorkerMetrics& worker = registry.CreateWorkerMetrics();  // one per worker
//   Counter& ok = worker.counter(*requests, {"reviews", "200"});  // cache this
//   ok.Inc();                                                       // hot path
//   std::string body = registry.RenderPrometheus();                 // admin thread
//
// Threading: MetricRegistry is thread-safe. A WorkerMetrics' lookup methods take
// its lock (uncontended except against a scrape) and may be called from any
// thread, but are meant for its worker; the returned references stay valid for
// the life of the registry and may be written from any thread.

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/sync/mutex.h"
#include "proxy/stats/histogram.h"
#include "proxy/stats/prometheus_text.h"
#include "proxy/stats/stats.h"

namespace weft::stats {

inline constexpr absl::string_view kOverflowLabelValue = "__overflow__";
inline constexpr absl::string_view kOverflowFamilyName = "weft_metric_series_overflow_total";

struct MetricFamilyOptions {
  // A valid Prometheus metric name; counters must end in "_total".
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  // Valid label names, distinct; "le" is not allowed on histograms.
  std::vector<std::string> label_names;
  // Histograms only: finite, strictly increasing upper bounds (+Inf implicit).
  std::vector<double> bucket_bounds;
  // Distinct label sets admitted across all workers (the overflow series is extra).
  size_t max_series = 1000;
  size_t max_label_value_bytes = 256;
};

// A registered family. Owned by its MetricRegistry; the pointer is stable.
class MetricFamily {
 public:
  const MetricFamilyOptions& options() const { return options_; }
  // Lookups that hit the cardinality cap (or passed the wrong number of labels).
  uint64_t overflow_count() const { return overflow_.load(std::memory_order_relaxed); }
  // Distinct label sets admitted so far (excluding the overflow series).
  size_t series_count() const;

 private:
  friend class MetricRegistry;
  friend class WorkerMetrics;
  explicit MetricFamily(MetricFamilyOptions options) : options_(std::move(options)) {}
  // True if `key` is (now) admitted; false when the family is full.
  bool Admit(const std::vector<std::string>& key) const;
  void CountOverflow() const { overflow_.fetch_add(1, std::memory_order_relaxed); }

  const MetricFamilyOptions options_;
  mutable std::atomic<uint64_t> overflow_{0};
  mutable weft::Mutex mu_;
  mutable absl::flat_hash_set<std::vector<std::string>> admitted_ ABSL_GUARDED_BY(mu_);
};

class MetricRegistry;

// One worker's series. Created by MetricRegistry::CreateWorkerMetrics().
class WorkerMetrics {
 public:
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  // `label_values` follow family.options().label_names in order. Calling the
  // method that does not match the family's type, or passing the wrong number of
  // values, is a programming error: it returns a cell that is never exported
  // (wrong type) or the overflow series (wrong count), and never crashes.
  Counter& counter(const MetricFamily& family, absl::Span<const absl::string_view> label_values);
  Gauge& gauge(const MetricFamily& family, absl::Span<const absl::string_view> label_values);
  Histogram& histogram(const MetricFamily& family,
                       absl::Span<const absl::string_view> label_values);

  Counter& counter(const MetricFamily& family, std::initializer_list<absl::string_view> values) {
    return counter(family, absl::MakeConstSpan(values.begin(), values.size()));
  }
  Gauge& gauge(const MetricFamily& family, std::initializer_list<absl::string_view> values) {
    return gauge(family, absl::MakeConstSpan(values.begin(), values.size()));
  }
  Histogram& histogram(const MetricFamily& family,
                       std::initializer_list<absl::string_view> values) {
    return histogram(family, absl::MakeConstSpan(values.begin(), values.size()));
  }

 private:
  friend class MetricRegistry;
  struct Series {
    Counter counter;
    Gauge gauge;
    std::unique_ptr<Histogram> histogram;  // histogram families only
  };
  using SeriesMap = absl::node_hash_map<std::vector<std::string>, Series>;

  WorkerMetrics() = default;
  Series& Resolve(const MetricFamily& family, absl::Span<const absl::string_view> label_values);
  Series& FindOrCreate(const MetricFamily& family, SeriesMap& map, std::vector<std::string> key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable weft::Mutex mu_;
  absl::flat_hash_map<const MetricFamily*, SeriesMap> series_ ABSL_GUARDED_BY(mu_);
  // Returned on a type mismatch; never rendered.
  Counter unexported_counter_;
  Gauge unexported_gauge_;
  Histogram unexported_histogram_{absl::MakeConstSpan(kRequestDurationSecondsBuckets)};
};

class MetricRegistry {
 public:
  MetricRegistry() = default;
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  // Validates `options` (every problem reported at once, kInvalidArgument) and
  // registers the family; kAlreadyExists when the name is taken.
  absl::StatusOr<const MetricFamily*> Register(MetricFamilyOptions options);

  // A new worker's series; lives as long as the registry.
  WorkerMetrics& CreateWorkerMetrics();

  // Appends every family (registration order; series sorted by label values,
  // summed across workers), then weft_metric_series_overflow_total.
  void Render(PrometheusTextWriter& writer) const;
  std::string RenderPrometheus() const;

 private:
  mutable weft::Mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<WorkerMetrics>> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_METRIC_REGISTRY_H_
