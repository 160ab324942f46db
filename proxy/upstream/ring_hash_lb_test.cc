#include "proxy/upstream/ring_hash_lb.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proxy/upstream/lb_hash.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

constexpr int kKeys = 10000;

// The endpoint name each key maps to.
std::vector<std::string> Assign(LbPolicy& lb, const EndpointSet& set) {
  std::vector<std::string> out;
  for (int k = 0; k < kKeys; ++k) {
    int i = lb.Pick({.hash_key = HashKey(std::to_string(k))});
    out.push_back(i < 0 ? "" : set.info(i).name);
  }
  return out;
}

TEST(RingHashLbTest, SameKeySameEndpointAndRoughlyEvenSpread) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(4)).ok());
  FixedRandom random({0});
  auto lb = RingHashLb::Create({.min_ring_size = 4096}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<std::string> first = Assign(**lb, set);
  EXPECT_EQ(Assign(**lb, set), first);
  EXPECT_GE((*lb)->ring_size(), 4096u);
  std::vector<int> counts(4, 0);
  for (const std::string& name : first) ++counts[set.IndexOf(name)];
  for (int c : counts) EXPECT_NEAR(c, kKeys / 4, kKeys / 4 * 0.2);
}

TEST(RingHashLbTest, RemovingOneOfTenMovesOnlyItsKeys) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(10)).ok());
  FixedRandom random({0});
  auto lb = RingHashLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<std::string> before = Assign(**lb, set);
  std::vector<EndpointInfo> fewer = MakeEndpoints(10);
  fewer.erase(fewer.begin() + 3);
  ASSERT_TRUE(set.Update(fewer).ok());
  std::vector<std::string> after = Assign(**lb, set);
  int moved = 0;
  for (int k = 0; k < kKeys; ++k) {
    if (before[k] != after[k]) {
      ++moved;
      EXPECT_EQ(before[k], "e3") << "key " << k << " moved off a surviving endpoint";
    }
  }
  EXPECT_NEAR(moved, kKeys / 10, kKeys / 10 * 0.3);
}

TEST(RingHashLbTest, WeightsShareTheRingAndUnhealthyEndpointsAreSkipped) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3, {1, 1, 2})).ok());
  FixedRandom random({0});
  auto lb = RingHashLb::Create({.min_ring_size = 8192}, set, random);
  ASSERT_TRUE(lb.ok());
  std::vector<int> counts(3, 0);
  for (const std::string& name : Assign(**lb, set)) ++counts[set.IndexOf(name)];
  EXPECT_NEAR(counts[2], kKeys / 2, kKeys * 0.05);
  set.SetHealthy(2, false);
  for (const std::string& name : Assign(**lb, set)) EXPECT_NE(name, "e2");
}

TEST(RingHashLbTest, RetryWalksToAnotherEndpoint) {
  EndpointSet set;
  ASSERT_TRUE(set.Update(MakeEndpoints(3)).ok());
  FixedRandom random({0});
  auto lb = RingHashLb::Create({}, set, random);
  ASSERT_TRUE(lb.ok());
  for (int k = 0; k < 100; ++k) {
    uint64_t key = HashKey(std::to_string(k));
    int first = (*lb)->Pick({.hash_key = key});
    int retry = (*lb)->Pick({.hash_key = key, .excluded_endpoint = first});
    EXPECT_NE(retry, first);
    EXPECT_EQ((*lb)->Pick({.hash_key = key, .excluded_endpoint = first}), retry);
  }
}

TEST(RingHashLbTest, RejectsBadRingSizes) {
  EndpointSet set;
  FixedRandom random({0});
  auto lb = RingHashLb::Create({.min_ring_size = 10, .max_ring_size = 5}, set, random);
  ASSERT_FALSE(lb.ok());
  EXPECT_NE(lb.status().message().find("min_ring_size 10"), std::string::npos);
}

TEST(LbHashTest, StableAcrossProcesses) {
  // Pinned values: a change here reshuffles every consistent-hash cluster.
  EXPECT_EQ(HashKey(""), Mix64(0xcbf29ce484222325ULL));
  EXPECT_EQ(HashKey("user-42"), HashKey("user-42"));
  EXPECT_NE(HashKey("user-42"), HashKey("user-43"));
}

}  // namespace
}  // namespace weft::upstream
