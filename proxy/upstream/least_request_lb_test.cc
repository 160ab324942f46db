#include "proxy/upstream/least_request_lb.h"

#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

TEST(LeastRequestLbTest, OfTheTwoDrawsTheLessLoadedWins) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3)).ok());
  // Draws: 0 then 2 (FixedRandom values modulo total weight 3).
  FixedRandom random({0, 2});
  auto lb = LeastRequestLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  for (int n = 0; n < 5; ++n) set.OnRequestStart(0);
  EXPECT_EQ((*lb)->Pick({}), 2);
  for (int n = 0; n < 10; ++n) set.OnRequestStart(2);
  EXPECT_EQ((*lb)->Pick({}), 0);
}

TEST(LeastRequestLbTest, IdleEndpointsGetTrafficInProportionToWeight) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2, {3, 1})).ok());
  RealRandom random(11);
  auto lb = LeastRequestLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<int> counts(2, 0);
  for (int n = 0; n < 8000; ++n) ++counts[(*lb)->Pick({})];
  EXPECT_NEAR(counts[0], 6000, 250);
}

TEST(LeastRequestLbTest, UnderLoadActiveRequestsSettleInProportionToWeight) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2, {3, 1})).ok());
  RealRandom random(13);
  auto lb = LeastRequestLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  // 40 requests in flight, none finish: P2C should split them about 30/10.
  for (int n = 0; n < 40; ++n) set.OnRequestStart((*lb)->Pick({}));
  EXPECT_NEAR(set.active_requests(0), 30, 4);
  EXPECT_NEAR(set.active_requests(1), 10, 4);
}

TEST(LeastRequestLbTest, RetryNeverReturnsTheExcludedEndpoint) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2)).ok());
  RealRandom random(17);
  auto lb = LeastRequestLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  set.OnRequestStart(1);
  for (int n = 0; n < 50; ++n) EXPECT_EQ((*lb)->Pick({.excluded_endpoint = 0}), 1);
}

}  // namespace
}  // namespace weft::upstream
