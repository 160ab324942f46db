#include "proxy/xds/backoff.h"

#include "gtest/gtest.h"

namespace weft::xds {
namespace {

// Uniform(n) is value % n, so a chosen sequence gives exact waits.
TEST(BackoffTest, CeilingDoublesUpToTheMaximum) {
  FixedRandom seq({500, 1000, 2000, 4000, 4000, 500});
  Backoff b(absl::Milliseconds(500), absl::Seconds(4), seq);
  EXPECT_EQ(b.Next(), absl::Milliseconds(500));
  EXPECT_EQ(b.Next(), absl::Milliseconds(1000));
  EXPECT_EQ(b.Next(), absl::Milliseconds(2000));
  EXPECT_EQ(b.Next(), absl::Milliseconds(4000));
  EXPECT_EQ(b.Next(), absl::Milliseconds(4000));  // capped
  b.Reset();
  EXPECT_EQ(b.attempt(), 0);
  EXPECT_EQ(b.Next(), absl::Milliseconds(500));  // back to the base after success
}

TEST(BackoffTest, FullJitterSpansZeroToTheCeiling) {
  FixedRandom zero({0});
  Backoff z(absl::Milliseconds(500), absl::Seconds(4), zero);
  EXPECT_EQ(z.Next(), absl::ZeroDuration());
  RealRandom random(42);
  Backoff r(absl::Milliseconds(500), absl::Seconds(4), random);
  for (int i = 0; i < 50; ++i) {
    absl::Duration w = r.Next();
    EXPECT_GE(w, absl::ZeroDuration());
    EXPECT_LE(w, absl::Seconds(4));
  }
}

}  // namespace
}  // namespace weft::xds
