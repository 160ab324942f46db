#ifndef WEFT_PROXY_OBSERVABILITY_REQUEST_METRICS_H_
#define WEFT_PROXY_OBSERVABILITY_REQUEST_METRICS_H_

// The mesh's standard per-request metric families (docs/metrics.md), all with
// the same seven labels:
//   weft_requests_total            counter
//   weft_request_duration_seconds  histogram (0.5 ms ... 10 s)
//   weft_request_bytes_total       counter   (request body bytes)
//   weft_response_bytes_total      counter   (response body bytes)
// and a per-worker cache from label values to resolved series, so the stream
// path pays one hash lookup per finished request and no lock.
//
//   // startup, once:
//   absl::StatusOr<RequestMetrics> families = RequestMetrics::Register(registry, {});
//   // per worker:
//   WorkerRequestMetrics metrics(*families, registry.CreateWorkerMetrics());
//   // end of each stream, on that worker:
//   RequestLabels labels;
//   labels.direction = "outbound"; labels.destination_service = "reviews.default";
//   labels.response_code = "200"; ...
//   metrics.Record(labels, duration, request_bytes, response_bytes);
//
// Threading: RequestMetrics is immutable after Register (share it). A
// WorkerRequestMetrics is thread-compatible: its worker's thread only.

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proxy/stats/metric_registry.h"

namespace weft::observability {

// Label values; empty means "unknown / not applicable" and is exported as "".
struct RequestLabels {
  absl::string_view direction;            // "inbound" / "outbound"
  absl::string_view source_workload;      // caller's workload (from its identity)
  absl::string_view destination_service;  // "reviews.default"
  absl::string_view route;                // route name from the route table
  absl::string_view response_code;        // "200"; "0" when none was sent
  absl::string_view grpc_status;          // "14"; "" when not gRPC
  absl::string_view reason;               // error reason; "" on success
};

class RequestMetrics {
 public:
  struct Options {
    // Distinct label sets per family, across workers (see MetricRegistry).
    size_t max_series = 2000;
  };
  static constexpr size_t kNumLabels = 7;

  // Registers the four families; fails if any is already registered.
  static absl::StatusOr<RequestMetrics> Register(stats::MetricRegistry& registry,
                                                 const Options& options);

  const stats::MetricFamily& requests() const { return *requests_; }
  const stats::MetricFamily& duration() const { return *duration_; }
  const stats::MetricFamily& request_bytes() const { return *request_bytes_; }
  const stats::MetricFamily& response_bytes() const { return *response_bytes_; }
  size_t max_series() const { return max_series_; }

 private:
  RequestMetrics() = default;
  const stats::MetricFamily* requests_ = nullptr;
  const stats::MetricFamily* duration_ = nullptr;
  const stats::MetricFamily* request_bytes_ = nullptr;
  const stats::MetricFamily* response_bytes_ = nullptr;
  size_t max_series_ = 0;
};

class WorkerRequestMetrics {
 public:
  // Both must outlive this object.
  WorkerRequestMetrics(const RequestMetrics& families, stats::WorkerMetrics& worker)
      : families_(families), worker_(worker) {}

  // Counts one finished request.
  void Record(const RequestLabels& labels, absl::Duration duration, uint64_t request_bytes,
              uint64_t response_bytes);

  size_t cached_series() const { return cache_.size(); }

 private:
  struct Series {
    stats::Counter* requests;
    stats::Histogram* duration;
    stats::Counter* request_bytes;
    stats::Counter* response_bytes;
  };
  using Key = std::array<std::string, RequestMetrics::kNumLabels>;
  using KeyView = std::array<absl::string_view, RequestMetrics::kNumLabels>;
  // Heterogeneous hashing/equality, so a lookup needs no owned key: the
  // label views are hashed and compared as they are.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const KeyView& key) const;
    size_t operator()(const Key& key) const;
  };
  struct KeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      for (size_t i = 0; i < RequestMetrics::kNumLabels; ++i) {
        if (absl::string_view(a[i]) != absl::string_view(b[i])) return false;
      }
      return true;
    }
  };
  static KeyView ViewOf(const RequestLabels& labels);
  Series Resolve(const RequestLabels& labels);

  const RequestMetrics& families_;
  stats::WorkerMetrics& worker_;
  // Bounded by families_.max_series() + 1 entries: past that (label sets that
  // overflow anyway) lookups go to the registry each time instead of growing.
  absl::flat_hash_map<Key, Series, KeyHash, KeyEq> cache_;
  // The series of the last Record(): consecutive requests mostly share their
  // labels, and comparing seven short strings is cheaper than hashing them.
  // Points into cache_; re-aimed after every insertion (a rehash moves keys).
  const Key* last_key_ = nullptr;
  Series last_series_{};
};

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_REQUEST_METRICS_H_
