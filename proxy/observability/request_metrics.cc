#include "proxy/observability/request_metrics.h"

#include <iterator>
#include <utility>

#include "absl/hash/hash.h"
#include <vector>

namespace weft::observability {
namespace {

const std::vector<std::string>& LabelNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "direction",   "source_workload", "destination_service", "route", "response_code",
      "grpc_status", "reason"};
  return *names;
}

absl::StatusOr<const stats::MetricFamily*> Add(stats::MetricRegistry& registry, const char* name,
                                               const char* help, stats::MetricType type,
                                               size_t max_series) {
  stats::MetricFamilyOptions o;
  o.name = name;
  o.help = help;
  o.type = type;
  o.label_names = LabelNames();
  o.max_series = max_series;
  if (type == stats::MetricType::kHistogram) {
    o.bucket_bounds.assign(std::begin(stats::kRequestDurationSecondsBuckets),
                           std::end(stats::kRequestDurationSecondsBuckets));
  }
  return registry.Register(std::move(o));
}

}  // namespace

absl::StatusOr<RequestMetrics> RequestMetrics::Register(stats::MetricRegistry& registry,
                                                        const Options& options) {
  RequestMetrics m;
  m.max_series_ = options.max_series;
  struct Entry {
    const stats::MetricFamily** slot;
    const char* name;
    const char* help;
    stats::MetricType type;
  };
  const Entry entries[] = {
      {&m.requests_, "weft_requests_total", "Requests handled by the proxy.",
       stats::MetricType::kCounter},
      {&m.duration_, "weft_request_duration_seconds",
       "Time from the first request byte to the last response byte.",
       stats::MetricType::kHistogram},
      {&m.request_bytes_, "weft_request_bytes_total", "Request body bytes received.",
       stats::MetricType::kCounter},
      {&m.response_bytes_, "weft_response_bytes_total", "Response body bytes sent.",
       stats::MetricType::kCounter},
  };
  for (const Entry& e : entries) {
    absl::StatusOr<const stats::MetricFamily*> f =
        Add(registry, e.name, e.help, e.type, options.max_series);
    if (!f.ok()) return f.status();
    *e.slot = *f;
  }
  return m;
}

size_t WorkerRequestMetrics::KeyHash::operator()(const KeyView& key) const {
  return absl::Hash<KeyView>{}(key);
}

size_t WorkerRequestMetrics::KeyHash::operator()(const Key& key) const {
  KeyView view;
  for (size_t i = 0; i < key.size(); ++i) view[i] = key[i];
  return (*this)(view);
}

WorkerRequestMetrics::KeyView WorkerRequestMetrics::ViewOf(const RequestLabels& l) {
  return {l.direction,     l.source_workload, l.destination_service, l.route,
          l.response_code, l.grpc_status,     l.reason};
}

WorkerRequestMetrics::Series WorkerRequestMetrics::Resolve(const RequestLabels& l) {
  const KeyView view = ViewOf(l);
  if (last_key_ != nullptr && KeyEq{}(*last_key_, view)) return last_series_;
  auto it = cache_.find(view);
  if (it != cache_.end()) {
    last_key_ = &it->first;
    last_series_ = it->second;
    return it->second;
  }
  Series s{&worker_.counter(families_.requests(), view),
           &worker_.histogram(families_.duration(), view),
           &worker_.counter(families_.request_bytes(), view),
           &worker_.counter(families_.response_bytes(), view)};
  if (cache_.size() <= families_.max_series()) {
    Key key;
    for (size_t i = 0; i < key.size(); ++i) key[i] = std::string(view[i]);
    // Inserting may rehash and move every key: the last-hit pointer is re-aimed.
    auto inserted = cache_.emplace(std::move(key), s).first;
    last_key_ = &inserted->first;
    last_series_ = s;
  }
  return s;
}

void WorkerRequestMetrics::Record(const RequestLabels& labels, absl::Duration duration,
                                  uint64_t request_bytes, uint64_t response_bytes) {
  Series s = Resolve(labels);
  s.requests->Inc();
  s.duration->Observe(absl::ToDoubleSeconds(duration));
  s.request_bytes->Inc(request_bytes);
  s.response_bytes->Inc(response_bytes);
}

}  // namespace weft::observability
