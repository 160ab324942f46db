#include "proxy/upstream/peak_ewma_lb.h"

#include <vector>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

TEST(PeakEwmaLbTest, PrefersTheFastEndpoint) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3)).ok());
  SimulatedTimeSource time;
  RealRandom random(5);
  auto lb = PeakEwmaLb::Create({}, set, random, time);
  ASSERT_TRUE(lb.ok());
  const absl::Duration latency[] = {absl::Milliseconds(5), absl::Milliseconds(50),
                                    absl::Milliseconds(200)};
  std::vector<int> counts(3, 0);
  for (int n = 0; n < 3000; ++n) {
    time.Advance(absl::Milliseconds(2));
    int i = (*lb)->Pick({});
    ++counts[i];
    (*lb)->OnRequestComplete(i, latency[i]);
  }
  // P2C over three: the fastest wins every pair it is in (2/3 of them), the
  // slowest almost none.
  EXPECT_GT(counts[0], 1800);
  EXPECT_GT(counts[1], counts[2]);
  EXPECT_LT(counts[2], 150);
  EXPECT_LT((*lb)->Cost(0), (*lb)->Cost(2));
}

TEST(PeakEwmaLbTest, PeakReactsAtOnceAndEstimateDecaysAfterwards) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(1)).ok());
  SimulatedTimeSource time;
  FixedRandom random({0});
  auto lb = PeakEwmaLb::Create({.decay = absl::Seconds(10),
                                .default_rtt = absl::Milliseconds(30)},
                               set, random, time);
  ASSERT_TRUE(lb.ok());
  EXPECT_DOUBLE_EQ((*lb)->Cost(0), 0.030);  // no data: the default_rtt penalty
  (*lb)->OnRequestComplete(0, absl::Seconds(1));
  EXPECT_DOUBLE_EQ((*lb)->Cost(0), 1.0);  // peak
  set.OnRequestStart(0);
  EXPECT_DOUBLE_EQ((*lb)->Cost(0), 2.0);  // (active + 1)
  set.OnRequestEnd(0);
  time.Advance(absl::Seconds(10));
  EXPECT_NEAR((*lb)->Cost(0), 0.3679, 1e-3);  // e^-1
  (*lb)->OnRequestComplete(0, absl::ZeroDuration());
  EXPECT_NEAR((*lb)->Cost(0), 0.3679, 1e-3);  // zero elapsed since decay: unchanged
}

TEST(PeakEwmaLbTest, TwoEndpointsAreAlwaysComparedAndARetryTakesTheOther) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2)).ok());
  SimulatedTimeSource time;
  RealRandom random(3);
  auto lb = PeakEwmaLb::Create({}, set, random, time);
  ASSERT_TRUE(lb.ok());
  (*lb)->OnRequestComplete(1, absl::Milliseconds(500));
  for (int n = 0; n < 100; ++n) EXPECT_EQ((*lb)->Pick({}), 0);
  EXPECT_EQ((*lb)->Pick({.excluded_endpoint = 0}), 1);
}

TEST(PeakEwmaLbTest, WeightDividesTheCost) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2, {1, 4})).ok());
  SimulatedTimeSource time;
  FixedRandom random({0, 1});
  auto lb = PeakEwmaLb::Create({}, set, random, time);
  ASSERT_TRUE(lb.ok());
  (*lb)->Cost(0);                     // the endpoints appear now
  time.Advance(absl::Seconds(1000));  // the default_rtt prior has fully decayed
  (*lb)->OnRequestComplete(0, absl::Milliseconds(10));
  (*lb)->OnRequestComplete(1, absl::Milliseconds(20));
  EXPECT_NEAR((*lb)->Cost(0), 0.010, 1e-9);
  EXPECT_NEAR((*lb)->Cost(1), 0.005, 1e-9);
  EXPECT_EQ((*lb)->Pick({}), 1);  // 20 ms / 4 beats 10 ms / 1
}

TEST(PeakEwmaLbTest, RejectsNonPositiveDecay) {
  EndpointSet set;
  SimulatedTimeSource time;
  FixedRandom random({0});
  auto lb = PeakEwmaLb::Create({.decay = absl::ZeroDuration()}, set, random, time);
  ASSERT_FALSE(lb.ok());
  EXPECT_NE(lb.status().message().find("decay"), std::string::npos);
}

}  // namespace
}  // namespace weft::upstream
