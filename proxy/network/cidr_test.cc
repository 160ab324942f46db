#include "proxy/network/cidr.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::network {
namespace {

using ::testing::HasSubstr;

TEST(CidrTest, KeepsCanonicalNetworks) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse("10.96.0.0/12");
  ASSERT_TRUE(cidr.ok()) << cidr.status();
  EXPECT_EQ(cidr->family(), IpFamily::kIpv4);
  EXPECT_EQ(cidr->ToString(), "10.96.0.0/12");
}

TEST(CidrTest, ClearsHostBitsLikeIptablesSave) {
  EXPECT_EQ(Cidr::Parse("10.1.2.3/8")->ToString(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::Parse("192.168.77.200/20")->ToString(), "192.168.64.0/20");
  EXPECT_EQ(Cidr::Parse("fd00:1:2::7/40")->ToString(), "fd00:1::/40");
  EXPECT_EQ(Cidr::Parse("1.2.3.4/0")->ToString(), "0.0.0.0/0");
}

TEST(CidrTest, BareAddressIsAHost) {
  EXPECT_EQ(Cidr::Parse("1.2.3.4")->ToString(), "1.2.3.4/32");
  absl::StatusOr<Cidr> v6 = Cidr::Parse("fd00::1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->family(), IpFamily::kIpv6);
  EXPECT_EQ(v6->ToString(), "fd00::1/128");
}

TEST(CidrTest, RejectsBadInputNamingIt) {
  for (const char* bad : {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/",
                          "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8/8", "abc",
                          "10.0.0.0/ 8", "300.0.0.0/8"}) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(bad);
    ASSERT_FALSE(cidr.ok()) << bad;
    EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(cidr.status().message(), HasSubstr(absl::StrCat("\"", bad, "\"")));
  }
}

}  // namespace
}  // namespace weft::network
