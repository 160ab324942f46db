#include "proxy/stats/histogram.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace weft::stats {
namespace {

constexpr double kBounds[] = {1, 5, 10};

TEST(HistogramTest, ValueOnABoundCountsInThatBucket) {
  Histogram h(kBounds);
  for (double v : {0.0, 1.0, 1.0001, 5.0, 10.0, 10.5, 1e9}) h.Observe(v);
  HistogramData d(3);
  h.AddTo(d);
  EXPECT_EQ(d.buckets, (std::vector<uint64_t>{2, 2, 1, 2}));
  EXPECT_EQ(d.Cumulative(), (std::vector<uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(d.count(), 7u);
  EXPECT_DOUBLE_EQ(d.sum, 0 + 1 + 1.0001 + 5 + 10 + 10.5 + 1e9);
}

TEST(HistogramTest, IgnoresNaNAndCountsNegativeInFirstBucket) {
  Histogram h(kBounds);
  h.Observe(std::nan(""));
  h.Observe(-2);
  HistogramData d(3);
  h.AddTo(d);
  EXPECT_EQ(d.count(), 1u);
  EXPECT_EQ(d.buckets[0], 1u);
  EXPECT_DOUBLE_EQ(d.sum, -2);
}

TEST(HistogramTest, AddToMergesWorkers) {
  Histogram a(kBounds), b(kBounds);
  a.Observe(3);
  b.Observe(3);
  b.Observe(20);
  HistogramData d(3);
  a.AddTo(d);
  b.AddTo(d);
  EXPECT_EQ(d.Cumulative(), (std::vector<uint64_t>{0, 2, 2, 3}));
  EXPECT_DOUBLE_EQ(d.sum, 26);
}

TEST(HistogramTest, ValidatesBounds) {
  EXPECT_TRUE(ValidateBucketBounds(kRequestDurationSecondsBuckets).ok());
  EXPECT_TRUE(ValidateBucketBounds(kRequestDurationMsBuckets).ok());
  EXPECT_FALSE(ValidateBucketBounds({}).ok());
  EXPECT_FALSE(ValidateBucketBounds({1, 1}).ok());
  EXPECT_FALSE(ValidateBucketBounds({2, 1}).ok());
  EXPECT_FALSE(ValidateBucketBounds({1, INFINITY}).ok());
  EXPECT_FALSE(ValidateBucketBounds({NAN}).ok());
}

}  // namespace
}  // namespace weft::stats
