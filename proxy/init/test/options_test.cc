#include "proxy/init/options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::mesh_init {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ValidateFlagsTest, DefaultsMatchTheMeshConventions) {
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(FlagValues());
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->capture.proxy_uid, 1337u);
  EXPECT_EQ(flags->capture.proxy_gid, 1337u);
  EXPECT_EQ(flags->capture.outbound_port, 15001);
  EXPECT_EQ(flags->capture.inbound_port, 15006);
  EXPECT_TRUE(flags->capture.capture_all_inbound);
  EXPECT_FALSE(flags->capture.ipv6);
  EXPECT_FALSE(flags->backend.has_value());
}

TEST(ValidateFlagsTest, GidFollowsUidUnlessGiven) {
  FlagValues values;
  values.proxy_uid = "2000";
  EXPECT_EQ(ValidateFlags(values)->capture.proxy_gid, 2000u);
  values.proxy_gid = "3000";
  EXPECT_EQ(ValidateFlags(values)->capture.proxy_gid, 3000u);
}

TEST(ValidateFlagsTest, ParsesListsTrimmingBlanksAndDuplicates) {
  FlagValues values;
  values.exclude_inbound_ports = " 22, 15020,,22 ";
  values.exclude_outbound_ports = "3306";
  values.include_inbound_ports = "8080,9090";
  values.exclude_outbound_cidrs = "10.0.0.0/8, fd00::/8";
  values.ipv6 = true;
  values.backend = "legacy";
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(values);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_THAT(flags->capture.exclude_inbound_ports, ElementsAre(22, 15020));
  EXPECT_THAT(flags->capture.exclude_outbound_ports, ElementsAre(3306));
  EXPECT_FALSE(flags->capture.capture_all_inbound);
  EXPECT_THAT(flags->capture.include_inbound_ports, ElementsAre(8080, 9090));
  ASSERT_EQ(flags->capture.exclude_outbound_cidrs.size(), 2u);
  EXPECT_EQ(flags->capture.exclude_outbound_cidrs[1].ToString(), "fd00::/8");
  EXPECT_EQ(flags->backend, Backend::kLegacy);
}

TEST(ValidateFlagsTest, EmptyIncludeListCapturesNoInbound) {
  FlagValues values;
  values.include_inbound_ports = "";
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(values);
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->capture.capture_all_inbound);
  EXPECT_TRUE(flags->capture.include_inbound_ports.empty());
}

TEST(ValidateFlagsTest, ReportsEveryBadValueAtOnce) {
  FlagValues values;
  values.proxy_uid = "abc";
  values.proxy_gid = "-1";
  values.outbound_port = "0";
  values.inbound_port = "65536";
  values.exclude_inbound_ports = "22,x22";
  values.include_inbound_ports = "80,*";
  values.exclude_outbound_ports = "99999";
  values.exclude_outbound_cidrs = "10.0.0.0/33,fd00::/8";
  values.backend = "iptables";
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(values);
  ASSERT_FALSE(flags.ok());
  EXPECT_EQ(flags.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(flags.status().message(),
            "--proxy_uid: \"abc\" is not a numeric id (0-4294967294)\n"
            "--proxy_gid: \"-1\" is not a numeric id (0-4294967294)\n"
            "--outbound_port: \"0\" is not a port (1-65535)\n"
            "--inbound_port: \"65536\" is not a port (1-65535)\n"
            "--exclude_inbound_ports: \"x22\" is not a port (1-65535)\n"
            "--exclude_outbound_ports: \"99999\" is not a port (1-65535)\n"
            "--include_inbound_ports: \"80,*\" mixes \"*\" with ports; use "
            "\"*\" alone or a port list\n"
            "--exclude_outbound_cidrs: \"10.0.0.0/33\" is not a valid CIDR "
            "(prefix length must be 0-32)\n"
            "--exclude_outbound_cidrs: \"fd00::/8\" is IPv6 but --ipv6 is off; "
            "add --ipv6 or drop it\n"
            "--backend: \"iptables\" is not one of auto, nft, legacy");
}

TEST(ValidateFlagsTest, RejectsSameInboundAndOutboundPort) {
  FlagValues values;
  values.inbound_port = "15001";
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(values);
  ASSERT_FALSE(flags.ok());
  EXPECT_THAT(flags.status().message(), HasSubstr("both 15001"));
}

TEST(ValidateFlagsTest, RejectsNoUserSentinelUid) {
  FlagValues values;
  values.proxy_uid = "4294967295";
  EXPECT_FALSE(ValidateFlags(values).ok());
  values.proxy_uid = "0";
  EXPECT_TRUE(ValidateFlags(values).ok());
}

}  // namespace
}  // namespace weft::mesh_init
