#include "proxy/upstream/random_lb.h"

#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

TEST(RandomLbTest, DistributionFollowsWeights) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3, {1, 1, 2})).ok());
  RealRandom random(7);
  auto lb = RandomLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<int> counts(3, 0);
  for (int n = 0; n < 8000; ++n) ++counts[(*lb)->Pick({})];
  EXPECT_NEAR(counts[0], 2000, 200);
  EXPECT_NEAR(counts[1], 2000, 200);
  EXPECT_NEAR(counts[2], 4000, 250);
}

TEST(RandomLbTest, RetryAvoidsTheFailedEndpointAndPanicUsesAll) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3)).ok());
  RealRandom random(9);
  auto lb = RandomLb::Create({.candidates = {.panic_threshold_percent = 50}}, set, random);
  ASSERT_TRUE(lb.ok());
  for (int n = 0; n < 200; ++n) EXPECT_NE((*lb)->Pick({.excluded_endpoint = 1}), 1);
  set.SetHealthy(0, false);
  set.SetHealthy(1, false);  // 1 of 3 healthy: panic
  std::vector<int> counts(3, 0);
  for (int n = 0; n < 300; ++n) ++counts[(*lb)->Pick({})];
  EXPECT_GT(counts[0], 50);
  EXPECT_GT(counts[1], 50);
}

}  // namespace
}  // namespace weft::upstream
