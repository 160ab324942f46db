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

TEST(CidrContainsTest, MatchesAddressesInsideTheNetworkOnly) {
  auto net = Cidr::Parse("10.96.0.0/12");
  ASSERT_TRUE(net.ok());
  EXPECT_TRUE(net->Contains(*Address::FromIpPort("10.96.0.1", 80)));
  EXPECT_TRUE(net->Contains(*Address::FromIpPort("10.111.255.255", 80)));
  EXPECT_FALSE(net->Contains(*Address::FromIpPort("10.112.0.0", 80)));
  EXPECT_FALSE(net->Contains(*Address::FromIpPort("fd00::1", 80)));  // other family
  auto one = Cidr::Parse("10.96.0.7");
  EXPECT_TRUE(one->Contains(*Address::FromIpPort("10.96.0.7", 1)));
  EXPECT_FALSE(one->Contains(*Address::FromIpPort("10.96.0.8", 1)));
  auto v6 = Cidr::Parse("fd00:e2e::/33");
  EXPECT_TRUE(v6->Contains(*Address::FromIpPort("fd00:e2e:7fff::1", 1)));
  EXPECT_FALSE(v6->Contains(*Address::FromIpPort("fd00:e2e:8000::1", 1)));
  auto all = Cidr::Parse("0.0.0.0/0");
  EXPECT_TRUE(all->Contains(*Address::FromIpPort("192.0.2.1", 1)));
}

}  // namespace
}  // namespace weft::network
