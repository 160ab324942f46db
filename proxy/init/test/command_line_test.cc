#include "proxy/init/command_line.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::mesh_init {
namespace {

using ::testing::ElementsAre;

FlagKind Lookup(absl::string_view name) {
  if (name == "dry_run" || name == "ipv6" || name == "help") {
    return FlagKind::kBool;
  }
  if (name == "proxy_uid" || name == "exclude_inbound_ports") {
    return FlagKind::kValue;
  }
  return FlagKind::kUnknown;
}

TEST(PrepareCommandLineTest, RewritesDashedNames) {
  absl::StatusOr<std::vector<std::string>> args = PrepareCommandLine(
      {"mesh-init", "--dry-run", "--proxy-uid=7", "-ipv6=true", "--help"},
      Lookup);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(*args, ElementsAre("mesh-init", "--dry_run", "--proxy_uid=7",
                                 "--ipv6=true", "--help"));
}

TEST(PrepareCommandLineTest, KeepsSeparateValuesAndNegations) {
  absl::StatusOr<std::vector<std::string>> args = PrepareCommandLine(
      {"mesh-init", "--proxy_uid", "7", "--noipv6", "--exclude_inbound_ports="},
      Lookup);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(*args, ElementsAre("mesh-init", "--proxy_uid", "7", "--noipv6",
                                 "--exclude_inbound_ports="));
}

TEST(PrepareCommandLineTest, ReportsEveryProblemAtOnce) {
  absl::StatusOr<std::vector<std::string>> args = PrepareCommandLine(
      {"mesh-init", "--bogus=1", "--dry-run=maybe", "stray", "--proxy_uid"},
      Lookup);
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(args.status().message(),
            "unknown flag --bogus (see --help)\n"
            "--dry_run: \"maybe\" is not true or false\n"
            "unexpected argument \"stray\" (mesh-init takes only flags)\n"
            "--proxy_uid needs a value");
}

TEST(PrepareCommandLineTest, RejectsArgumentsAfterDoubleDash) {
  EXPECT_FALSE(PrepareCommandLine({"mesh-init", "--", "x"}, Lookup).ok());
  EXPECT_TRUE(PrepareCommandLine({"mesh-init", "--"}, Lookup).ok());
}

}  // namespace
}  // namespace weft::mesh_init
