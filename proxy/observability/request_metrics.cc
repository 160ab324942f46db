#include "proxy/observability/request_metrics.h"

#include <iterator>
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

WorkerRequestMetrics::Series WorkerRequestMetrics::Resolve(const RequestLabels& l) {
  Key key = {
      std::string(l.direction), std::string(l.source_workload), std::string(l.destination_service),
      std::string(l.route),     std::string(l.response_code),   std::string(l.grpc_status),
      std::string(l.reason)};
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  const absl::string_view values[] = {key[0], key[1], key[2], key[3], key[4], key[5], key[6]};
  Series s{&worker_.counter(families_.requests(), values),
           &worker_.histogram(families_.duration(), values),
           &worker_.counter(families_.request_bytes(), values),
           &worker_.counter(families_.response_bytes(), values)};
  if (cache_.size() <= families_.max_series()) cache_.emplace(std::move(key), s);
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
