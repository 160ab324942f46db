#include "proxy/upstream/lb_candidates.h"

#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

using ::testing::Test;

TEST(LbCandidatesTest, AvailableOnlyAboveThePanicThreshold) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(4)).ok());
  auto c = LbCandidates::Create({.panic_threshold_percent = 50});
  ASSERT_TRUE(c.ok());
  set.SetHealthy(1, false);
  set.SetEjected(2, true);  // 2 of 4 available: exactly 50%, not panic
  EXPECT_EQ(c->Get(set), std::vector<int>({0, 3}));
  EXPECT_FALSE(c->in_panic());
  set.SetHealthy(3, false);  // 1 of 4: panic, all endpoints
  EXPECT_EQ(c->Get(set), std::vector<int>({0, 1, 2, 3}));
  EXPECT_TRUE(c->in_panic());
}

TEST(LbCandidatesTest, NothingAvailableWithPanicDisabledStillUsesAll) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2)).ok());
  auto c = LbCandidates::Create({.panic_threshold_percent = 0});
  ASSERT_TRUE(c.ok());
  set.SetHealthy(0, false);
  EXPECT_EQ(c->Get(set), std::vector<int>({1}));
  set.SetHealthy(1, false);
  EXPECT_EQ(c->Get(set), std::vector<int>({0, 1}));
}

TEST(LbCandidatesTest, PrefersLocalZoneAndSpillsOverBelowItsThreshold) {
  EndpointSet set;
  ASSERT_TRUE(set.Update({{"a1", "a", 1},
                          {"a2", "a", 1},
                          {"a3", "a", 1},
                          {"b1", "b", 1},
                          {"b2", "b", 1}})
                  .ok());
  auto c = LbCandidates::Create({.local_zone = "a", .locality_min_healthy_percent = 60});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Get(set), std::vector<int>({0, 1, 2}));
  EXPECT_TRUE(c->local_zone_only());
  set.SetHealthy(0, false);  // 2 of 3 local: 66% >= 60%
  EXPECT_EQ(c->Get(set), std::vector<int>({1, 2}));
  set.SetEjected(1, true);  // 1 of 3 local: spill to every zone
  EXPECT_EQ(c->Get(set), std::vector<int>({2, 3, 4}));
  EXPECT_FALSE(c->local_zone_only());
}

TEST(LbCandidatesTest, WeightedSampleFollowsWeightsAndHonoursExclusion) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3, {1, 2, 7})).ok());
  auto c = LbCandidates::Create({});
  ASSERT_TRUE(c.ok());
  RealRandom random(42);
  std::vector<int> counts(3, 0);
  for (int n = 0; n < 10000; ++n) ++counts[c->WeightedSample(set, random)];
  EXPECT_NEAR(counts[0], 1000, 150);
  EXPECT_NEAR(counts[1], 2000, 200);
  EXPECT_NEAR(counts[2], 7000, 250);
  std::vector<int> without(3, 0);
  for (int n = 0; n < 3000; ++n) ++without[c->WeightedSample(set, random, 2)];
  EXPECT_EQ(without[2], 0);
  EXPECT_NEAR(without[0], 1000, 150);
  for (int n = 0; n < 100; ++n) EXPECT_NE(c->UniformSample(set, random, 0), 0);
}

TEST(LbCandidatesTest, RejectsPercentagesAbove100) {
  auto c = LbCandidates::Create({.panic_threshold_percent = 101,
                                 .locality_min_healthy_percent = 200});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("panic_threshold_percent 101"), std::string::npos);
  EXPECT_NE(c.status().message().find("locality_min_healthy_percent 200"), std::string::npos);
}

TEST(LbCandidatesTest, EmptySetHasNoCandidates) {
  EndpointSet set;
  auto c = LbCandidates::Create({});
  ASSERT_TRUE(c.ok());
  RealRandom random(1);
  EXPECT_TRUE(c->Get(set).empty());
  EXPECT_EQ(c->WeightedSample(set, random), -1);
}

}  // namespace
}  // namespace weft::upstream
