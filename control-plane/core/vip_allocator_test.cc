#include "control-plane/core/vip_allocator.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::StartsWith;

std::vector<ObjectKey> ManyServices(int n) {
  std::vector<ObjectKey> keys;
  for (int i = 0; i < n; ++i) keys.push_back({absl::StrCat("ns", i % 7), absl::StrCat("svc-", i)});
  return keys;
}

TEST(VipAllocatorTest, StableHashIsFnv1a) {
  // Published FNV-1a 64 test vectors: the value must never change between builds.
  EXPECT_EQ(StableHash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(StableHash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(VipAllocatorTest, IndependentOfOrderAndUnique) {
  std::vector<ObjectKey> keys = ManyServices(2000);
  auto first = AllocateVips(keys, {});
  ASSERT_TRUE(first.ok());
  std::set<std::string> distinct;
  for (const auto& [key, vip] : *first) {
    EXPECT_THAT(vip, StartsWith("10.96."));
    EXPECT_NE(vip, "10.96.0.0");
    EXPECT_NE(vip, "10.96.255.255");
    distinct.insert(vip);
  }
  EXPECT_EQ(distinct.size(), keys.size());
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(keys.begin(), keys.end(), rng);
    auto again = AllocateVips(keys, {});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *first);
  }
}

TEST(VipAllocatorTest, SameNameSameVipWhateverElseExists) {
  auto alone = AllocateVips({{"shop", "frontend"}}, {});
  auto crowd = AllocateVips({{"shop", "frontend"}, {"shop", "backend"}, {"a", "b"}}, {});
  ASSERT_TRUE(alone.ok() && crowd.ok());
  EXPECT_EQ(alone->at({"shop", "frontend"}), crowd->at({"shop", "frontend"}));
}

TEST(VipAllocatorTest, ReservedAddressesAreSkippedByProbing) {
  auto free_choice = AllocateVips({{"shop", "frontend"}}, {});
  ASSERT_TRUE(free_choice.ok());
  const std::string wanted = free_choice->at({"shop", "frontend"});
  auto probed = AllocateVips({{"shop", "frontend"}}, {wanted, "192.168.1.1"});
  ASSERT_TRUE(probed.ok());
  EXPECT_NE(probed->at({"shop", "frontend"}), wanted);
  EXPECT_THAT(probed->at({"shop", "frontend"}), StartsWith("10.96."));
}

TEST(VipAllocatorTest, CollisionsResolveInSortedOrder) {
  // Fill the whole range but one slot with reservations so that two names must
  // collide, then check the sorted-first name wins whatever the input order.
  auto probe = AllocateVips({{"a", "x"}}, {});
  ASSERT_TRUE(probe.ok());
  std::vector<std::string> reserved;
  for (int hi = 0; hi < 256; ++hi) {
    for (int lo = 0; lo < 256; ++lo) reserved.push_back(absl::StrCat("10.96.", hi, ".", lo));
  }
  reserved.erase(std::find(reserved.begin(), reserved.end(), "10.96.0.1"));
  reserved.erase(std::find(reserved.begin(), reserved.end(), "10.96.0.2"));
  auto one = AllocateVips({{"b", "y"}, {"a", "x"}}, reserved);
  auto two = AllocateVips({{"a", "x"}, {"b", "y"}}, reserved);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(*one, *two);
  auto full = AllocateVips({{"a", "x"}, {"b", "y"}, {"c", "z"}}, reserved);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace weft::control_plane
