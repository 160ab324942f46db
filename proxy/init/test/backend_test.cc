#include "proxy/init/backend.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/init/test/fake_command_runner.h"

namespace weft::mesh_init {
namespace {

using ::testing::HasSubstr;

constexpr char kThreeRules[] =
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -j DROP\n"
    "COMMIT\n*nat\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n";
constexpr char kNoRules[] = "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n";

TEST(DetectBackendTest, PrefersTheBackendThatHoldsRules) {
  FakeCommandRunner runner;
  runner.Answer("iptables-legacy-save", 0, kThreeRules);
  runner.Answer("iptables-nft-save", 0, kNoRules);
  runner.Answer("iptables --version", 0, "iptables v1.8.9 (nf_tables)\n");
  absl::StatusOr<DetectedBackend> detected = DetectBackend(runner);
  ASSERT_TRUE(detected.ok()) << detected.status();
  EXPECT_EQ(detected->backend, Backend::kLegacy);
  EXPECT_THAT(detected->reason, HasSubstr("iptables-legacy-save shows 3 rules"));

  FakeCommandRunner nft_runner;
  nft_runner.Answer("iptables-legacy-save", 0, "");
  nft_runner.Answer("iptables-nft-save", 0, kThreeRules);
  nft_runner.Answer("iptables --version", 0, "iptables v1.8.9 (legacy)\n");
  EXPECT_EQ(DetectBackend(nft_runner)->backend, Backend::kNft);
}

TEST(DetectBackendTest, TieFallsBackToIptablesVersion) {
  for (const auto& [version, expected] :
       {std::pair{"iptables v1.8.9 (nf_tables)\n", Backend::kNft},
        std::pair{"iptables v1.8.7 (legacy)\n", Backend::kLegacy}}) {
    FakeCommandRunner runner;
    runner.Answer("iptables-legacy-save", 0, kThreeRules);
    runner.Answer("iptables-nft-save", 0, kThreeRules);
    runner.Answer("iptables --version", 0, version);
    absl::StatusOr<DetectedBackend> detected = DetectBackend(runner);
    ASSERT_TRUE(detected.ok()) << detected.status();
    EXPECT_EQ(detected->backend, expected) << version;
    EXPECT_THAT(detected->reason, HasSubstr("iptables --version"));
  }
}

TEST(DetectBackendTest, OnlyWorkingToolDecidesWhenVersionIsUnclear) {
  FakeCommandRunner runner;  // No iptables-legacy-save, no iptables at all.
  runner.Answer("iptables-nft-save", 0, kNoRules);
  absl::StatusOr<DetectedBackend> detected = DetectBackend(runner);
  ASSERT_TRUE(detected.ok()) << detected.status();
  EXPECT_EQ(detected->backend, Backend::kNft);
  EXPECT_THAT(detected->reason, HasSubstr("iptables-legacy-save failed"));
}

TEST(DetectBackendTest, FailedSaveCountsAsNoRules) {
  FakeCommandRunner runner;
  runner.Answer("iptables-legacy-save", 1, kThreeRules, "permission denied");
  runner.Answer("iptables-nft-save", 0, kNoRules);
  runner.Answer("iptables --version", 0, "iptables v1.8.9 (nf_tables)\n");
  EXPECT_EQ(DetectBackend(runner)->backend, Backend::kNft);
}

TEST(DetectBackendTest, UndecidableAsksForTheFlag) {
  FakeCommandRunner runner;  // Nothing runs.
  absl::StatusOr<DetectedBackend> detected = DetectBackend(runner);
  ASSERT_FALSE(detected.ok());
  EXPECT_EQ(detected.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(detected.status().message(), HasSubstr("--backend=nft"));
}

TEST(BackendTest, ToolsAndFlagParsing) {
  EXPECT_EQ(ToolsFor(Backend::kNft, IpFamily::kIpv4).restore,
            "iptables-nft-restore");
  EXPECT_EQ(ToolsFor(Backend::kLegacy, IpFamily::kIpv6).save,
            "ip6tables-legacy-save");
  EXPECT_EQ(*ParseBackendFlag("auto"), std::nullopt);
  EXPECT_EQ(*ParseBackendFlag("nft"), Backend::kNft);
  EXPECT_EQ(*ParseBackendFlag("legacy"), Backend::kLegacy);
  EXPECT_FALSE(ParseBackendFlag("nftables").ok());
}

}  // namespace
}  // namespace weft::mesh_init
