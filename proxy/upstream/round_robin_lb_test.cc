#include "proxy/upstream/round_robin_lb.h"

#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

TEST(RoundRobinLbTest, SmoothWeightedOrderOverCandidates) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3, {5, 1, 1})).ok());
  auto lb = RoundRobinLb::Create({}, set);
  ASSERT_TRUE(lb.ok());
  std::vector<int> picks;
  for (int n = 0; n < 7; ++n) picks.push_back((*lb)->Pick({}));
  EXPECT_EQ(picks, std::vector<int>({0, 0, 1, 0, 2, 0, 0}));
}

TEST(RoundRobinLbTest, SkipsUnavailableAndExcludedEndpoints) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(4)).ok());
  auto lb = RoundRobinLb::Create({}, set);
  ASSERT_TRUE(lb.ok());
  set.SetEjected(1, true);
  std::vector<int> counts(4, 0);
  for (int n = 0; n < 30; ++n) ++counts[(*lb)->Pick({})];
  EXPECT_EQ(counts, std::vector<int>({10, 0, 10, 10}));
  for (int n = 0; n < 10; ++n) EXPECT_NE((*lb)->Pick({.excluded_endpoint = 2}), 2);
}

TEST(RoundRobinLbTest, EmptySetPicksNothingAndSingleEndpointIsKeptOnRetry) {
  EndpointSet set;
  auto lb = RoundRobinLb::Create({}, set);
  ASSERT_TRUE(lb.ok());
  EXPECT_EQ((*lb)->Pick({}), -1);
  ASSERT_TRUE(set.Update(MakeEndpoints(1)).ok());
  EXPECT_EQ((*lb)->Pick({.excluded_endpoint = 0}), 0);
}

}  // namespace
}  // namespace weft::upstream
