#include "proxy/resilience/token_bucket.h"

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TEST(TokenBucketTest, BurstThenRateWithRetryAfter) {
  SimulatedTimeSource time;
  auto b = TokenBucket::Create(
      {.max_tokens = 3, .tokens_per_fill = 1, .fill_interval = absl::Seconds(1)}, time);
  ASSERT_TRUE(b.ok());
  for (int n = 0; n < 3; ++n) EXPECT_TRUE(b->TryConsume().allowed);
  TokenBucket::Decision d = b->TryConsume();
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, absl::Seconds(1));
  time.Advance(absl::Milliseconds(400));
  d = b->TryConsume();
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, absl::Milliseconds(600));
  time.Advance(absl::Milliseconds(600));
  EXPECT_TRUE(b->TryConsume().allowed);
  EXPECT_FALSE(b->TryConsume().allowed);
}

TEST(TokenBucketTest, FillsInWholeStepsCappedAtTheBurst) {
  SimulatedTimeSource time;
  auto b = TokenBucket::Create(
      {.max_tokens = 10, .tokens_per_fill = 4, .fill_interval = absl::Milliseconds(100)}, time);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->TryConsume(10).allowed);
  time.Advance(absl::Milliseconds(250));
  EXPECT_EQ(b->tokens(), 8u);  // two whole steps
  time.Advance(absl::Hours(1));
  EXPECT_EQ(b->tokens(), 10u);
  TokenBucket::Decision too_many = b->TryConsume(11);
  EXPECT_FALSE(too_many.allowed);
  EXPECT_EQ(too_many.retry_after, absl::InfiniteDuration());
}

TEST(TokenBucketTest, HoldsTheRateOverALongRun) {
  SimulatedTimeSource time;
  auto b = TokenBucket::Create(
      {.max_tokens = 5, .tokens_per_fill = 10, .fill_interval = absl::Seconds(1)}, time);
  ASSERT_TRUE(b.ok());
  int allowed = 0;
  for (int ms = 0; ms < 60000; ++ms) {  // one attempt per simulated ms for a minute
    allowed += b->TryConsume().allowed ? 1 : 0;
    time.Advance(absl::Milliseconds(1));
  }
  EXPECT_LE(allowed, 5 + 60 * 10);
  EXPECT_GE(allowed, 60 * 5);  // capped by the 5-token burst per fill
}

TEST(TokenBucketTest, RejectsBadOptionsAllAtOnce) {
  SimulatedTimeSource time;
  auto b = TokenBucket::Create(
      {.max_tokens = 0, .tokens_per_fill = 0, .fill_interval = absl::ZeroDuration()}, time);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("max_tokens"), std::string::npos);
  EXPECT_NE(b.status().message().find("tokens_per_fill"), std::string::npos);
  EXPECT_NE(b.status().message().find("fill_interval"), std::string::npos);
}

}  // namespace
}  // namespace weft::resilience
