#ifndef WEFT_PROXY_STATS_HISTOGRAM_H_
#define WEFT_PROXY_STATS_HISTOGRAM_H_

// A histogram with fixed bucket upper bounds, written by one worker without
// locks (relaxed atomics, like Counter) and read on scrape. Buckets are stored
// non-cumulatively (one increment per observation); HistogramData turns them
// into Prometheus' cumulative `le` buckets. `_count` is derived from the buckets
// rather than kept apart, so a scrape racing with Observe() can never show a
// `_count` different from the +Inf bucket.
//
//   static constexpr double kBounds[] = {0.5, 1, 2.5};
//   Histogram h(kBounds);             // kBounds must outlive h
//   h.Observe(0.7);                   // lands in le="1" (and everything above)
//   HistogramData d(kBounds.size());  // on scrape
//   h.AddTo(d);
//
// Thread-safety: Observe() may be called from any thread (normally only the
// owning worker); AddTo() from any thread at any time.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace weft::stats {

// Request duration buckets in seconds (0.5 ms ... 10 s); +Inf is implicit.
inline constexpr double kRequestDurationSecondsBuckets[] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// The same bounds in milliseconds, for families measured in ms.
inline constexpr double kRequestDurationMsBuckets[] = {0.5, 1,   2.5, 5,    10,   25,   50,
                                                       100, 250, 500, 1000, 2500, 5000, 10000};

// OK when bounds is non-empty, every bound finite, strictly increasing.
absl::Status ValidateBucketBounds(absl::Span<const double> bounds);

// Merged histogram values of one series (scrape side, plain data).
struct HistogramData {
  explicit HistogramData(size_t num_bounds) : buckets(num_bounds + 1, 0) {}
  // Non-cumulative; buckets.back() is the (bounds.back(), +Inf) bucket.
  std::vector<uint64_t> buckets;
  double sum = 0;

  uint64_t count() const;
  // Cumulative counts, one per bound plus +Inf (what `_bucket{le=...}` shows).
  std::vector<uint64_t> Cumulative() const;
};

class Histogram {
 public:
  // `bounds` was validated and outlives the histogram.
  explicit Histogram(absl::Span<const double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `value` in the first bucket whose bound is >= value. NaN is ignored.
  void Observe(double value);

  // Adds this histogram's current values into `data` (sized for the same bounds).
  void AddTo(HistogramData& data) const;

  absl::Span<const double> bounds() const { return bounds_; }

 private:
  absl::Span<const double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_HISTOGRAM_H_
