#include "proxy/upstream/load_balancer.h"

#include <vector>

#include "gtest/gtest.h"

namespace weft::upstream {
namespace {

TEST(WeightedRoundRobinTest, EachEndpointGetsItsWeightPerCycleSpreadOut) {
  WeightedRoundRobin lb({5, 1, 1});
  std::vector<int> picks;
  for (int i = 0; i < 7; ++i) picks.push_back(lb.Pick());
  EXPECT_EQ(picks, std::vector<int>({0, 0, 1, 0, 2, 0, 0}));
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 700; ++i) ++counts[lb.Pick()];
  EXPECT_EQ(counts, std::vector<int>({500, 100, 100}));
}

TEST(WeightedRoundRobinTest, EqualWeightsAlternateAndEmptyHasNone) {
  WeightedRoundRobin lb({1, 1});
  EXPECT_EQ(lb.Pick(), 0);
  EXPECT_EQ(lb.Pick(), 1);
  EXPECT_EQ(lb.Pick(), 0);
  WeightedRoundRobin none({});
  EXPECT_EQ(none.Pick(), -1);
}

}  // namespace
}  // namespace weft::upstream
