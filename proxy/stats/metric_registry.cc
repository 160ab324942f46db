#include "proxy/stats/metric_registry.h"

#include <map>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::stats {
namespace {

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
std::string Truncate(absl::string_view value, size_t max) {
  if (value.size() <= max) return std::string(value);
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(value[n]) & 0xC0) == 0x80) --n;
  return std::string(value.substr(0, n));
}

std::vector<std::string> OverflowKey(size_t labels) {
  return std::vector<std::string>(labels, std::string(kOverflowLabelValue));
}

}  // namespace

size_t MetricFamily::series_count() const {
  weft::MutexLock lock(&mu_);
  return admitted_.size();
}

bool MetricFamily::Admit(const std::vector<std::string>& key) const {
  weft::MutexLock lock(&mu_);
  if (admitted_.contains(key)) return true;
  if (admitted_.size() >= options_.max_series) return false;
  admitted_.insert(key);
  return true;
}

WorkerMetrics::Series& WorkerMetrics::FindOrCreate(const MetricFamily& family, SeriesMap& map,
                                                   std::vector<std::string> key) {
  auto [it, inserted] = map.try_emplace(std::move(key));
  if (inserted && family.options().type == MetricType::kHistogram) {
    it->second.histogram =
        std::make_unique<Histogram>(absl::MakeConstSpan(family.options().bucket_bounds));
  }
  return it->second;
}

WorkerMetrics::Series& WorkerMetrics::Resolve(const MetricFamily& family,
                                              absl::Span<const absl::string_view> label_values) {
  const MetricFamilyOptions& options = family.options();
  const size_t num_labels = options.label_names.size();
  weft::MutexLock lock(&mu_);
  SeriesMap& map = series_[&family];
  if (label_values.size() != num_labels) {
    family.CountOverflow();
    return FindOrCreate(family, map, OverflowKey(num_labels));
  }
  std::vector<std::string> key;
  key.reserve(num_labels);
  for (absl::string_view v : label_values) {
    key.push_back(Truncate(v, options.max_label_value_bytes));
  }
  auto it = map.find(key);
  if (it != map.end()) return it->second;
  if (!family.Admit(key)) {
    family.CountOverflow();
    return FindOrCreate(family, map, OverflowKey(num_labels));
  }
  return FindOrCreate(family, map, std::move(key));
}

Counter& WorkerMetrics::counter(const MetricFamily& family,
                                absl::Span<const absl::string_view> label_values) {
  if (family.options().type != MetricType::kCounter) return unexported_counter_;
  return Resolve(family, label_values).counter;
}

Gauge& WorkerMetrics::gauge(const MetricFamily& family,
                            absl::Span<const absl::string_view> label_values) {
  if (family.options().type != MetricType::kGauge) return unexported_gauge_;
  return Resolve(family, label_values).gauge;
}

Histogram& WorkerMetrics::histogram(const MetricFamily& family,
                                    absl::Span<const absl::string_view> label_values) {
  if (family.options().type != MetricType::kHistogram) return unexported_histogram_;
  return *Resolve(family, label_values).histogram;
}

absl::StatusOr<const MetricFamily*> MetricRegistry::Register(MetricFamilyOptions options) {
  std::vector<std::string> problems;
  if (!IsValidMetricName(options.name)) {
    problems.push_back(absl::StrCat("invalid metric name \"", options.name, "\""));
  }
  if (options.type == MetricType::kCounter && !absl::EndsWith(options.name, "_total")) {
    problems.push_back(absl::StrCat("counter name \"", options.name, "\" must end in _total"));
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& label : options.label_names) {
    if (!IsValidLabelName(label)) {
      problems.push_back(absl::StrCat("invalid label name \"", label, "\""));
    }
    if (!seen.insert(label).second) {
      problems.push_back(absl::StrCat("duplicate label name \"", label, "\""));
    }
    if (options.type == MetricType::kHistogram && label == "le") {
      problems.push_back("label name \"le\" is reserved for histogram buckets");
    }
  }
  if (options.type == MetricType::kHistogram) {
    absl::Status bounds = ValidateBucketBounds(options.bucket_bounds);
    if (!bounds.ok()) problems.push_back(std::string(bounds.message()));
  } else if (!options.bucket_bounds.empty()) {
    problems.push_back("bucket_bounds given for a family that is not a histogram");
  }
  if (options.max_series == 0) problems.push_back("max_series must be at least 1");
  if (options.max_label_value_bytes == 0) {
    problems.push_back("max_label_value_bytes must be at least 1");
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric family: ", absl::StrJoin(problems, "; ")));
  }
  weft::MutexLock lock(&mu_);
  if (options.name == kOverflowFamilyName) {
    return absl::AlreadyExistsError(absl::StrCat("metric name ", options.name, " is reserved"));
  }
  for (const auto& f : families_) {
    if (f->options().name == options.name) {
      return absl::AlreadyExistsError(
          absl::StrCat("metric family ", options.name, " is already registered"));
    }
  }
  families_.push_back(std::unique_ptr<MetricFamily>(new MetricFamily(std::move(options))));
  return families_.back().get();
}

WorkerMetrics& MetricRegistry::CreateWorkerMetrics() {
  weft::MutexLock lock(&mu_);
  workers_.push_back(std::unique_ptr<WorkerMetrics>(new WorkerMetrics()));
  return *workers_.back();
}

void MetricRegistry::Render(PrometheusTextWriter& writer) const {
  weft::MutexLock lock(&mu_);
  for (const auto& family : families_) {
    const MetricFamilyOptions& options = family->options();
    writer.Family(options.name, options.help, options.type);
    if (options.type == MetricType::kHistogram) {
      std::map<std::vector<std::string>, HistogramData> merged;
      for (const auto& worker : workers_) {
        weft::MutexLock worker_lock(&worker->mu_);
        auto it = worker->series_.find(family.get());
        if (it == worker->series_.end()) continue;
        for (const auto& [key, series] : it->second) {
          auto m = merged.try_emplace(key, options.bucket_bounds.size()).first;
          series.histogram->AddTo(m->second);
        }
      }
      const std::string bucket = absl::StrCat(options.name, "_bucket");
      const std::string sum = absl::StrCat(options.name, "_sum");
      const std::string count = absl::StrCat(options.name, "_count");
      for (const auto& [key, data] : merged) {
        std::vector<uint64_t> cumulative = data.Cumulative();
        for (size_t i = 0; i < cumulative.size(); ++i) {
          const std::string le = i < options.bucket_bounds.size()
                                     ? FormatDouble(options.bucket_bounds[i])
                                     : std::string("+Inf");
          writer.Sample(bucket, options.label_names, key, FormatUint(cumulative[i]), "le", le);
        }
        writer.Sample(sum, options.label_names, key, FormatDouble(data.sum));
        writer.Sample(count, options.label_names, key, FormatUint(cumulative.back()));
      }
      continue;
    }
    struct Sum {
      uint64_t counter = 0;
      int64_t gauge = 0;
    };
    std::map<std::vector<std::string>, Sum> merged;
    for (const auto& worker : workers_) {
      weft::MutexLock worker_lock(&worker->mu_);
      auto it = worker->series_.find(family.get());
      if (it == worker->series_.end()) continue;
      for (const auto& [key, series] : it->second) {
        Sum& sum = merged[key];
        sum.counter += series.counter.value();
        sum.gauge += series.gauge.value();
      }
    }
    for (const auto& [key, sum] : merged) {
      writer.Sample(
          options.name, options.label_names, key,
          options.type == MetricType::kCounter ? FormatUint(sum.counter) : FormatInt(sum.gauge));
    }
  }
  writer.Family(kOverflowFamilyName,
                "Label-set lookups that hit a family's cardinality cap and went to its "
                "__overflow__ series.",
                MetricType::kCounter);
  static const std::vector<std::string> kFamilyLabel = {"family"};
  for (const auto& family : families_) {
    writer.Sample(kOverflowFamilyName, kFamilyLabel, {family->options().name},
                  FormatUint(family->overflow_count()));
  }
}

std::string MetricRegistry::RenderPrometheus() const {
  PrometheusTextWriter writer;
  Render(writer);
  return writer.Release();
}

}  // namespace weft::stats
