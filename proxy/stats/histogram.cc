#include "proxy/stats/histogram.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace weft::stats {

absl::Status ValidateBucketBounds(absl::Span<const double> bounds) {
  if (bounds.empty()) {
    return absl::InvalidArgumentError("histogram needs at least one bucket bound");
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("bucket bound ", i, " is not finite (+Inf is implicit)"));
    }
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat("bucket bounds not strictly increasing at ", i,
                                                     ": ", bounds[i - 1], " then ", bounds[i]));
    }
  }
  return absl::OkStatus();
}

uint64_t HistogramData::count() const {
  uint64_t total = 0;
  for (uint64_t b : buckets) total += b;
  return total;
}

std::vector<uint64_t> HistogramData::Cumulative() const {
  std::vector<uint64_t> out(buckets.size());
  uint64_t running = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    running += buckets[i];
    out[i] = running;
  }
  return out;
}

Histogram::Histogram(absl::Span<const double> bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  const size_t index = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                           bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  // C++17 has no atomic<double>::fetch_add; a CAS loop that, with one writer,
  // succeeds the first time.
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + value, std::memory_order_relaxed)) {
  }
}

void Histogram::AddTo(HistogramData& data) const {
  const size_t n = std::min(data.buckets.size(), bounds_.size() + 1);
  for (size_t i = 0; i < n; ++i) data.buckets[i] += buckets_[i].load(std::memory_order_relaxed);
  data.sum += sum_.load(std::memory_order_relaxed);
}

}  // namespace weft::stats
