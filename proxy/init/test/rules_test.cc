#include "proxy/init/rules.h"

#include "gtest/gtest.h"
#include "proxy/init/nat_state.h"
#include "proxy/init/options.h"

namespace weft::mesh_init {
namespace {

CaptureOptions Validated(const FlagValues& values) {
  absl::StatusOr<ValidatedFlags> flags = ValidateFlags(values);
  EXPECT_TRUE(flags.ok()) << flags.status();
  return flags.ok() ? flags->capture : CaptureOptions();
}

TEST(RenderCaptureRulesTest, DefaultOptionsOnAnEmptyTable) {
  EXPECT_EQ(RenderCaptureRules(CaptureOptions(), IpFamily::kIpv4, NatState()),
            "*nat\n"
            ":WEFT_INBOUND - [0:0]\n"
            ":WEFT_IN_REDIRECT - [0:0]\n"
            ":WEFT_OUTPUT - [0:0]\n"
            ":WEFT_REDIRECT - [0:0]\n"
            "-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006\n"
            "-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n"
            "-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT\n"
            "-A WEFT_OUTPUT -o lo -j RETURN\n"
            "-A WEFT_OUTPUT -d 127.0.0.0/8 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --uid-owner 1337 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --gid-owner 1337 -j RETURN\n"
            "-A WEFT_OUTPUT -j WEFT_REDIRECT\n"
            "-A PREROUTING -p tcp -j WEFT_INBOUND\n"
            "-A OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "COMMIT\n");
}

TEST(RenderCaptureRulesTest, ExclusionsPortsAndIds) {
  FlagValues values;
  values.proxy_uid = "2000";
  values.proxy_gid = "2001";
  values.outbound_port = "16001";
  values.inbound_port = "16006";
  values.exclude_inbound_ports = "22,15020";
  values.exclude_outbound_ports = "3306";
  values.exclude_outbound_cidrs = "10.96.0.0/12,169.254.169.254";
  EXPECT_EQ(RenderCaptureRules(Validated(values), IpFamily::kIpv4, NatState()),
            "*nat\n"
            ":WEFT_INBOUND - [0:0]\n"
            ":WEFT_IN_REDIRECT - [0:0]\n"
            ":WEFT_OUTPUT - [0:0]\n"
            ":WEFT_REDIRECT - [0:0]\n"
            "-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 16006\n"
            "-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 16001\n"
            "-A WEFT_INBOUND -p tcp -m tcp --dport 22 -j RETURN\n"
            "-A WEFT_INBOUND -p tcp -m tcp --dport 15020 -j RETURN\n"
            "-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT\n"
            "-A WEFT_OUTPUT -o lo -j RETURN\n"
            "-A WEFT_OUTPUT -d 127.0.0.0/8 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --uid-owner 2000 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --gid-owner 2001 -j RETURN\n"
            "-A WEFT_OUTPUT -p tcp -m tcp --dport 3306 -j RETURN\n"
            "-A WEFT_OUTPUT -d 10.96.0.0/12 -j RETURN\n"
            "-A WEFT_OUTPUT -d 169.254.169.254/32 -j RETURN\n"
            "-A WEFT_OUTPUT -j WEFT_REDIRECT\n"
            "-A PREROUTING -p tcp -j WEFT_INBOUND\n"
            "-A OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "COMMIT\n");
}

TEST(RenderCaptureRulesTest, IncludeListCapturesOnlyThosePorts) {
  FlagValues values;
  values.include_inbound_ports = "8080,9090";
  values.exclude_inbound_ports = "9090";
  const std::string text =
      RenderCaptureRules(Validated(values), IpFamily::kIpv4, NatState());
  EXPECT_NE(text.find("-A WEFT_INBOUND -p tcp -m tcp --dport 9090 -j RETURN\n"
                      "-A WEFT_INBOUND -p tcp -m tcp --dport 8080 -j "
                      "WEFT_IN_REDIRECT\n"
                      "-A WEFT_INBOUND -p tcp -m tcp --dport 9090 -j "
                      "WEFT_IN_REDIRECT\n"
                      "-A WEFT_OUTPUT"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT"),
            std::string::npos);
}

TEST(RenderCaptureRulesTest, EmptyIncludeListLeavesInboundChainEmpty) {
  FlagValues values;
  values.include_inbound_ports = "";
  const std::string text =
      RenderCaptureRules(Validated(values), IpFamily::kIpv4, NatState());
  EXPECT_EQ(text.find("-A WEFT_INBOUND"), std::string::npos) << text;
  // The hook stays, so a later run with capture on needs no new jump.
  EXPECT_NE(text.find("-A PREROUTING -p tcp -j WEFT_INBOUND\n"),
            std::string::npos);
}

TEST(RenderCaptureRulesTest, Ipv6UsesIpv6LoopbackAndOnlyIpv6Cidrs) {
  FlagValues values;
  values.ipv6 = true;
  values.exclude_outbound_cidrs = "10.0.0.0/8,fd00::/8";
  EXPECT_EQ(RenderCaptureRules(Validated(values), IpFamily::kIpv6, NatState()),
            "*nat\n"
            ":WEFT_INBOUND - [0:0]\n"
            ":WEFT_IN_REDIRECT - [0:0]\n"
            ":WEFT_OUTPUT - [0:0]\n"
            ":WEFT_REDIRECT - [0:0]\n"
            "-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006\n"
            "-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n"
            "-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT\n"
            "-A WEFT_OUTPUT -o lo -j RETURN\n"
            "-A WEFT_OUTPUT -d ::1/128 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --uid-owner 1337 -j RETURN\n"
            "-A WEFT_OUTPUT -m owner --gid-owner 1337 -j RETURN\n"
            "-A WEFT_OUTPUT -d fd00::/8 -j RETURN\n"
            "-A WEFT_OUTPUT -j WEFT_REDIRECT\n"
            "-A PREROUTING -p tcp -j WEFT_INBOUND\n"
            "-A OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "COMMIT\n");
  // And the IPv4 text leaves the IPv6 network out.
  const std::string v4 =
      RenderCaptureRules(Validated(values), IpFamily::kIpv4, NatState());
  EXPECT_NE(v4.find("-d 10.0.0.0/8 -j RETURN"), std::string::npos);
  EXPECT_EQ(v4.find("fd00"), std::string::npos);
}

// What iptables-save prints after the default rules were applied once, with
// one unrelated rule of someone else's.
constexpr char kInstalledSave[] =
    "# Generated by iptables-save v1.8.9 (nf_tables)\n"
    "*nat\n"
    ":PREROUTING ACCEPT [0:0]\n"
    ":INPUT ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n"
    ":POSTROUTING ACCEPT [0:0]\n"
    ":WEFT_INBOUND - [0:0]\n"
    ":WEFT_IN_REDIRECT - [0:0]\n"
    ":WEFT_OUTPUT - [0:0]\n"
    ":WEFT_REDIRECT - [0:0]\n"
    "-A PREROUTING -p tcp -j WEFT_INBOUND\n"
    "-A OUTPUT -p tcp -j WEFT_OUTPUT\n"
    "-A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE\n"
    "-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT\n"
    "-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006\n"
    "-A WEFT_OUTPUT -o lo -j RETURN\n"
    "-A WEFT_OUTPUT -j WEFT_REDIRECT\n"
    "-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n"
    "COMMIT\n"
    "# Completed\n";

TEST(RenderCaptureRulesTest, SecondRunAddsNoJumps) {
  const std::string text = RenderCaptureRules(
      CaptureOptions(), IpFamily::kIpv4, ParseNatState(kInstalledSave));
  EXPECT_EQ(text.find("-A PREROUTING"), std::string::npos) << text;
  EXPECT_EQ(text.find("-A OUTPUT"), std::string::npos) << text;
  // Our chains are still declared, which flushes and refills them.
  EXPECT_NE(text.find(":WEFT_OUTPUT - [0:0]\n"), std::string::npos);
}

TEST(RenderCaptureRulesTest, AddsOnlyTheMissingJump) {
  NatState state = ParseNatState(kInstalledSave);
  state.rules.erase(state.rules.begin() + 1);  // "-A OUTPUT ... WEFT_OUTPUT"
  const std::string text =
      RenderCaptureRules(CaptureOptions(), IpFamily::kIpv4, state);
  EXPECT_EQ(text.find("-A PREROUTING"), std::string::npos) << text;
  EXPECT_NE(text.find("-A OUTPUT -p tcp -j WEFT_OUTPUT\nCOMMIT\n"),
            std::string::npos)
      << text;
}

TEST(RenderCleanupRulesTest, RemovesExactlyOurJumpsAndChains) {
  EXPECT_EQ(RenderCleanupRules(ParseNatState(kInstalledSave)),
            "*nat\n"
            "-D PREROUTING -p tcp -j WEFT_INBOUND\n"
            "-D OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "-F WEFT_INBOUND\n"
            "-F WEFT_IN_REDIRECT\n"
            "-F WEFT_OUTPUT\n"
            "-F WEFT_REDIRECT\n"
            "-X WEFT_INBOUND\n"
            "-X WEFT_IN_REDIRECT\n"
            "-X WEFT_OUTPUT\n"
            "-X WEFT_REDIRECT\n"
            "COMMIT\n");
}

TEST(RenderCleanupRulesTest, RemovesDuplicateAndForeignJumpsIntoOurChains) {
  NatState state;
  state.chains = {"PREROUTING", "OUTPUT", "MY_CHAIN", "WEFT_OUTPUT"};
  state.rules = {"-A OUTPUT -p tcp -j WEFT_OUTPUT",
                 "-A OUTPUT -p tcp -j WEFT_OUTPUT",
                 "-A MY_CHAIN -d 10.0.0.1/32 -g WEFT_OUTPUT",
                 "-A MY_CHAIN -j WEFT_OTHER"};
  EXPECT_EQ(RenderCleanupRules(state),
            "*nat\n"
            "-D OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "-D OUTPUT -p tcp -j WEFT_OUTPUT\n"
            "-D MY_CHAIN -d 10.0.0.1/32 -g WEFT_OUTPUT\n"
            "-F WEFT_OUTPUT\n"
            "-X WEFT_OUTPUT\n"
            "COMMIT\n");
}

TEST(RenderCleanupRulesTest, NothingOfOursMeansNoTransaction) {
  EXPECT_EQ(RenderCleanupRules(ParseNatState(
                "*nat\n:OUTPUT ACCEPT [0:0]\n"
                "-A OUTPUT -d 10.0.0.1/32 -j RETURN\nCOMMIT\n")),
            "");
  EXPECT_EQ(RenderCleanupRules(NatState()), "");
}

TEST(ParseNatStateTest, ReadsOnlyTheNatTable) {
  const NatState state = ParseNatState(
      "*filter\n:INPUT ACCEPT [0:0]\n:WEFT_OUTPUT - [0:0]\n"
      "-A INPUT -j WEFT_OUTPUT\nCOMMIT\n"
      "*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j RETURN\nCOMMIT\n");
  EXPECT_TRUE(state.HasChain("OUTPUT"));
  EXPECT_FALSE(state.HasChain("WEFT_OUTPUT"));
  ASSERT_EQ(state.rules.size(), 1u);
  EXPECT_EQ(state.rules[0], "-A OUTPUT -j RETURN");
}

TEST(ParseNatStateTest, SplitsChainAndTarget) {
  EXPECT_EQ(RuleChain("-A OUTPUT -p tcp -j WEFT_OUTPUT"), "OUTPUT");
  EXPECT_EQ(RuleTarget("-A OUTPUT -p tcp -j WEFT_OUTPUT"), "WEFT_OUTPUT");
  EXPECT_EQ(RuleTarget("-A OUTPUT -p tcp"), std::nullopt);
}

}  // namespace
}  // namespace weft::mesh_init
