#include "proxy/resilience/rate_limiter.h"

#include <string>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TokenBucket::Options PerSecond(uint32_t n) {
  TokenBucket::Options o;
  o.max_tokens = n;
  o.tokens_per_fill = n;
  o.fill_interval = absl::Seconds(1);
  return o;
}

TEST(RateLimiterTest, AdmitsTheConfiguredRatePerKey) {
  SimulatedTimeSource time;
  RateLimiter limiter(time);
  int admitted_a = 0;
  int admitted_b = 0;
  for (int i = 0; i < 10; ++i) {
    admitted_a += limiter.Check("a", PerSecond(3)).allowed;
    admitted_b += limiter.Check("b", PerSecond(5)).allowed;
  }
  EXPECT_EQ(admitted_a, 3);
  EXPECT_EQ(admitted_b, 5);
  TokenBucket::Decision denied = limiter.Check("a", PerSecond(3));
  EXPECT_FALSE(denied.allowed);
  EXPECT_GT(denied.retry_after, absl::ZeroDuration());
  time.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.Check("a", PerSecond(3)).allowed);
}

TEST(RateLimiterTest, NewLimitsStartAFreshBucket) {
  SimulatedTimeSource time;
  RateLimiter limiter(time);
  for (int i = 0; i < 3; ++i) limiter.Check("r", PerSecond(3));
  EXPECT_FALSE(limiter.Check("r", PerSecond(3)).allowed);
  EXPECT_TRUE(limiter.Check("r", PerSecond(4)).allowed);  // config changed
}

TEST(RateLimiterTest, TheNumberOfBucketsIsBounded) {
  SimulatedTimeSource time;
  RateLimiter limiter(time, /*max_buckets=*/100);
  for (int i = 0; i < 1000; ++i) limiter.Check("caller-" + std::to_string(i), PerSecond(1));
  EXPECT_LE(limiter.bucket_count(), 100u);
}

}  // namespace
}  // namespace weft::resilience
