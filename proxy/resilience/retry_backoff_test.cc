#include "proxy/resilience/retry_backoff.h"

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TEST(RetryBackoffTest, CeilingDoublesUpToMaxAndResets) {
  FixedRandom random({0});
  auto b = RetryBackoff::Create({.base = absl::Milliseconds(25), .max = absl::Milliseconds(150)},
                                random);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->NextCeiling(), absl::Milliseconds(25));
  b->Next();
  EXPECT_EQ(b->NextCeiling(), absl::Milliseconds(50));
  b->Next();
  b->Next();
  EXPECT_EQ(b->NextCeiling(), absl::Milliseconds(150));  // 200 capped
  for (int n = 0; n < 100; ++n) b->Next();
  EXPECT_EQ(b->NextCeiling(), absl::Milliseconds(150));
  b->Reset();
  EXPECT_EQ(b->NextCeiling(), absl::Milliseconds(25));
}

TEST(RetryBackoffTest, FullJitterIsUniformBelowTheCeiling) {
  // Random values map to nanoseconds modulo the ceiling.
  FixedRandom random({12'000'000, 49'999'999, 75'000'000});
  auto b = RetryBackoff::Create({.base = absl::Milliseconds(25), .max = absl::Seconds(1)},
                                random);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->Next(), absl::Milliseconds(12));        // [0, 25ms)
  EXPECT_EQ(b->Next(), absl::Nanoseconds(49'999'999)); // [0, 50ms)
  EXPECT_EQ(b->Next(), absl::Milliseconds(75));        // [0, 100ms)
  RealRandom seeded(1);
  auto s = RetryBackoff::Create({.base = absl::Milliseconds(10), .max = absl::Milliseconds(10)},
                                seeded);
  ASSERT_TRUE(s.ok());
  absl::Duration sum;
  for (int n = 0; n < 1000; ++n) {
    absl::Duration d = s->Next();
    ASSERT_GE(d, absl::ZeroDuration());
    ASSERT_LT(d, absl::Milliseconds(10));
    sum += d;
  }
  EXPECT_NEAR(absl::ToDoubleMilliseconds(sum / 1000), 5.0, 0.5);
}

TEST(RetryBackoffTest, RejectsBadOptions) {
  FixedRandom random({0});
  EXPECT_FALSE(RetryBackoff::Create({.base = absl::ZeroDuration()}, random).ok());
  auto b = RetryBackoff::Create({.base = absl::Seconds(2), .max = absl::Seconds(1)}, random);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(">= base"), std::string::npos);
}

}  // namespace
}  // namespace weft::resilience
