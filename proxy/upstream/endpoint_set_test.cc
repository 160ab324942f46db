#include "proxy/upstream/endpoint_set.h"

#include "gtest/gtest.h"

namespace weft::upstream {
namespace {

TEST(EndpointSetTest, UpdateKeepsStateOfEndpointsThatStay) {
  EndpointSet set;
  ASSERT_TRUE(set.Update({{"a", "z1", 1}, {"b", "z1", 2}}).ok());
  set.SetEjected(set.IndexOf("b"), true);
  set.SetHealthy(set.IndexOf("a"), false);
  set.OnRequestStart(set.IndexOf("b"));
  uint64_t membership = set.membership_version();
  ASSERT_TRUE(set.Update({{"c", "z2", 1}, {"b", "z1", 3}, {"a", "z1", 1}}).ok());
  EXPECT_NE(set.membership_version(), membership);
  EXPECT_EQ(set.IndexOf("b"), 1);
  EXPECT_TRUE(set.ejected(1));
  EXPECT_EQ(set.active_requests(1), 1u);
  EXPECT_EQ(set.info(1).weight, 3u);
  EXPECT_FALSE(set.healthy(2));
  EXPECT_TRUE(set.available(0));
  EXPECT_EQ(set.IndexOf("missing"), -1);
}

TEST(EndpointSetTest, VersionMovesOnHealthNotOnActiveCounts) {
  EndpointSet set;
  ASSERT_TRUE(set.Update({{"a", "", 1}}).ok());
  uint64_t v = set.version();
  set.OnRequestStart(0);
  set.OnRequestEnd(0);
  set.OnRequestEnd(0);  // never below zero
  EXPECT_EQ(set.active_requests(0), 0u);
  EXPECT_EQ(set.version(), v);
  set.SetHealthy(0, true);  // no change
  EXPECT_EQ(set.version(), v);
  set.SetHealthy(0, false);
  EXPECT_NE(set.version(), v);
}

TEST(EndpointSetTest, RejectsBadEndpointsNamingEveryProblemAndStaysUnchanged) {
  EndpointSet set;
  ASSERT_TRUE(set.Update({{"a", "", 1}}).ok());
  absl::Status s = set.Update({{"", "", 1}, {"x", "", 0}, {"x", "", 1}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("empty name"), std::string::npos) << s;
  EXPECT_NE(s.message().find("weight 0"), std::string::npos) << s;
  EXPECT_NE(s.message().find("duplicate name x"), std::string::npos) << s;
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.info(0).name, "a");
}

}  // namespace
}  // namespace weft::upstream
