#include "proxy/upstream/maglev_lb.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_hash.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

constexpr int kKeys = 20000;

std::vector<std::string> Assign(LbPolicy& lb, const EndpointSet& set) {
  std::vector<std::string> out;
  for (int k = 0; k < kKeys; ++k) {
    int i = lb.Pick({.hash_key = HashKey(std::to_string(k))});
    out.push_back(i < 0 ? "" : set.info(i).name);
  }
  return out;
}

TEST(MaglevLbTest, TableIsBalancedAndFollowsWeights) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(4, {1, 1, 1, 3})).ok());
  FixedRandom random({0});
  auto lb = MaglevLb::Create({.table_size = 65537}, set, random);
  ASSERT_TRUE(lb.ok());
  (*lb)->Pick({.hash_key = 1});
  uint64_t total = 0;
  for (int i = 0; i < 4; ++i) total += (*lb)->SlotsOf(i);
  EXPECT_EQ(total, 65537u);
  EXPECT_NEAR((*lb)->SlotsOf(0), 65537 / 6, 10);
  EXPECT_NEAR((*lb)->SlotsOf(3), 65537 / 2, 10);
}

TEST(MaglevLbTest, SameKeySameEndpointAndRemovalMovesAboutOneNth) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(10)).ok());
  FixedRandom random({0});
  auto lb = MaglevLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<std::string> before = Assign(**lb, set);
  EXPECT_EQ(Assign(**lb, set), before);
  std::vector<EndpointInfo> fewer = MakeEndpoints(10);
  fewer.erase(fewer.begin() + 6);
  ASSERT_TRUE(set.Update(fewer).ok());
  std::vector<std::string> after = Assign(**lb, set);
  int moved = 0;
  for (int k = 0; k < kKeys; ++k) {
    if (before[k] == "e6") {
      EXPECT_NE(after[k], "e6");
    }
    if (before[k] != after[k]) ++moved;
  }
  // Ideal is 1/10; Maglev trades a little extra disruption for balance.
  EXPECT_GE(moved, kKeys / 10 * 0.8);
  EXPECT_LE(moved, kKeys / 10 * 1.5);
}

TEST(MaglevLbTest, RetryFindsAnotherEndpointDeterministically) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3)).ok());
  FixedRandom random({0});
  auto lb = MaglevLb::Create({.table_size = 251}, set, random);
  ASSERT_TRUE(lb.ok());
  for (uint64_t key = 0; key < 100; ++key) {
    int first = (*lb)->Pick({.hash_key = key});
    int retry = (*lb)->Pick({.hash_key = key, .excluded_endpoint = first});
    EXPECT_NE(retry, first);
  }
}

TEST(MaglevLbTest, RejectsANonPrimeTableSize) {
  EndpointSet set;
  FixedRandom random({0});
  auto lb = MaglevLb::Create({.table_size = 65536}, set, random);
  ASSERT_FALSE(lb.ok());
  EXPECT_NE(lb.status().message().find("table_size 65536 must be a prime"), std::string::npos);
  EXPECT_TRUE(MaglevLb::Create({.table_size = 65537}, set, random).ok());
}

TEST(MaglevLbTest, WithoutAHashKeyPicksWeightedRandom) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(2)).ok());
  FixedRandom random({0, 1});
  auto lb = MaglevLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  EXPECT_EQ((*lb)->Pick({}), 0);
  EXPECT_EQ((*lb)->Pick({}), 1);
}

}  // namespace
}  // namespace weft::upstream
