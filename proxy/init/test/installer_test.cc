#include "proxy/init/installer.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/init/nat_state.h"
#include "proxy/init/rules.h"
#include "proxy/init/test/fake_command_runner.h"

namespace weft::mesh_init {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEmptyNat[] =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n";

// Turns restore input into what iptables-save would print afterwards for an
// empty table: enough to feed a second run.
std::string SaveAfter(const std::string& restore_input) {
  std::string save =
      "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
  save += restore_input.substr(std::string("*nat\n").size());
  return save;
}

class CaptureInstallerTest : public ::testing::Test {
 protected:
  FakeCommandRunner runner_;
  std::ostringstream log_;
  std::ostringstream out_;
};

TEST_F(CaptureInstallerTest, InstallAppliesOneTransaction) {
  runner_.Answer("iptables-nft-save -t nat", 0, kEmptyNat);
  runner_.Answer("iptables-nft-restore --noflush", 0, "");
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  ASSERT_TRUE(installer.Install(CaptureOptions(), false, out_).ok());

  ASSERT_EQ(runner_.calls().size(), 2u);
  EXPECT_EQ(runner_.calls()[0].command, "iptables-nft-save -t nat");
  EXPECT_EQ(runner_.calls()[1].command, "iptables-nft-restore --noflush");
  EXPECT_EQ(runner_.calls()[1].stdin_text,
            RenderCaptureRules(CaptureOptions(), IpFamily::kIpv4, NatState()));
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(log_.str(), HasSubstr("IPv4: capture installed"));
}

TEST_F(CaptureInstallerTest, SecondRunAddsNoSecondJump) {
  runner_.Answer("iptables-legacy-save -t nat", 0, kEmptyNat);
  runner_.Answer("iptables-legacy-restore --noflush", 0, "");
  CaptureInstaller installer(runner_, Backend::kLegacy, log_);
  ASSERT_TRUE(installer.Install(CaptureOptions(), false, out_).ok());
  const std::string first = runner_.calls()[1].stdin_text;
  EXPECT_THAT(first, HasSubstr("-A OUTPUT -p tcp -j WEFT_OUTPUT\n"));

  runner_.Answer("iptables-legacy-save -t nat", 0, SaveAfter(first));
  ASSERT_TRUE(installer.Install(CaptureOptions(), false, out_).ok());
  ASSERT_EQ(runner_.calls().size(), 4u);
  const std::string second = runner_.calls()[3].stdin_text;
  EXPECT_THAT(second, Not(HasSubstr("-A OUTPUT")));
  EXPECT_THAT(second, Not(HasSubstr("-A PREROUTING")));
  // The chains themselves are rewritten in full.
  EXPECT_THAT(second, HasSubstr(":WEFT_OUTPUT - [0:0]\n"));
  EXPECT_THAT(second, HasSubstr("-A WEFT_OUTPUT -j WEFT_REDIRECT\n"));
}

TEST_F(CaptureInstallerTest, DryRunPrintsExactInputAndRunsNoRestore) {
  runner_.Answer("iptables-nft-save -t nat", 0, kEmptyNat);
  runner_.Answer("ip6tables-nft-save -t nat", 0, kEmptyNat);
  CaptureOptions options;
  options.ipv6 = true;
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  ASSERT_TRUE(installer.Install(options, true, out_).ok());
  for (const FakeCommandRunner::Call& call : runner_.calls()) {
    EXPECT_THAT(call.command, Not(HasSubstr("restore")));
  }
  EXPECT_EQ(out_.str(),
            "# iptables-nft-restore --noflush\n" +
                RenderCaptureRules(options, IpFamily::kIpv4, NatState()) +
                "# ip6tables-nft-restore --noflush\n" +
                RenderCaptureRules(options, IpFamily::kIpv6, NatState()));
}

TEST_F(CaptureInstallerTest, RestoreFailureCarriesItsStderr) {
  runner_.Answer("iptables-nft-save -t nat", 0, kEmptyNat);
  runner_.Answer("iptables-nft-restore --noflush", 1, "",
                 "iptables-nft-restore: line 7 failed: No chain/target/match\n");
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  const absl::Status status = installer.Install(CaptureOptions(), false, out_);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(),
              HasSubstr("iptables-nft-restore --noflush exited with 1: "
                        "iptables-nft-restore: line 7 failed"));
}

TEST_F(CaptureInstallerTest, SaveFailureStopsBeforeAnyChange) {
  runner_.Answer("iptables-nft-save -t nat", 4, "", "Permission denied (you must be root)");
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  const absl::Status status = installer.Install(CaptureOptions(), false, out_);
  EXPECT_THAT(status.message(), HasSubstr("Permission denied"));
  EXPECT_EQ(runner_.calls().size(), 1u);
}

TEST_F(CaptureInstallerTest, Ipv6FailureSaysIpv4IsInstalled) {
  runner_.Answer("iptables-nft-save -t nat", 0, kEmptyNat);
  runner_.Answer("iptables-nft-restore --noflush", 0, "");
  runner_.Answer("ip6tables-nft-save -t nat", 0, kEmptyNat);
  runner_.Answer("ip6tables-nft-restore --noflush", 2, "", "no ip6 nat");
  CaptureOptions options;
  options.ipv6 = true;
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  const absl::Status status = installer.Install(options, false, out_);
  EXPECT_THAT(status.message(), HasSubstr("no ip6 nat"));
  EXPECT_THAT(status.message(), HasSubstr("IPv4 capture is installed"));
}

TEST_F(CaptureInstallerTest, CleanupRemovesWhatIsThere) {
  const std::string installed = SaveAfter(
      RenderCaptureRules(CaptureOptions(), IpFamily::kIpv4, NatState()));
  runner_.Answer("iptables-nft-save -t nat", 0, installed);
  runner_.Answer("iptables-nft-restore --noflush", 0, "");
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  ASSERT_TRUE(installer.Cleanup(false, false, out_).ok());
  ASSERT_EQ(runner_.calls().size(), 2u);
  EXPECT_EQ(runner_.calls()[1].stdin_text,
            RenderCleanupRules(ParseNatState(installed)));
  EXPECT_THAT(runner_.calls()[1].stdin_text,
              HasSubstr("-D OUTPUT -p tcp -j WEFT_OUTPUT\n"));
}

TEST_F(CaptureInstallerTest, CleanupOfCleanTableRunsNoRestore) {
  runner_.Answer("iptables-nft-save -t nat", 0, kEmptyNat);
  CaptureInstaller installer(runner_, Backend::kNft, log_);
  ASSERT_TRUE(installer.Cleanup(false, false, out_).ok());
  EXPECT_EQ(runner_.calls().size(), 1u);
  EXPECT_THAT(log_.str(), HasSubstr("nothing to remove"));
}

TEST_F(CaptureInstallerTest, MissingToolIsReported) {
  CaptureInstaller installer(runner_, Backend::kLegacy, log_);
  const absl::Status status = installer.Install(CaptureOptions(), false, out_);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("iptables-legacy-save"));
}

}  // namespace
}  // namespace weft::mesh_init
