#include "tools/meshctl/cli_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/meshctl/kinds.h"
#include "tools/meshctl/table.h"

namespace weft::meshctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<FlagSpec> kSpecs = {
    {"namespace", "n", true, "NS", "namespace"},
    {"all-namespaces", "A", false, "", "all"},
    {"filename", "f", true, "FILE", "input"},
};

TEST(CliArgsTest, ParsesEveryForm) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(
      {"svc", "-n", "shop", "--filename=a.yaml", "-f", "-", "-A", "--", "-x"}, kSpecs);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->Get("namespace"), "shop");
  EXPECT_THAT(args->GetAll("filename"), ElementsAre("a.yaml", "-"));
  EXPECT_TRUE(args->Has("all-namespaces"));
  EXPECT_THAT(args->positionals, ElementsAre("svc", "-x"));
  EXPECT_FALSE(args->help);
  EXPECT_TRUE(ParseArgs({"-h"}, kSpecs)->help);
  EXPECT_EQ(ParseArgs({"--namespace", "a", "-n=b"}, kSpecs)->Get("namespace"), "b");
}

TEST(CliArgsTest, ErrorsNameTheFlag) {
  EXPECT_THAT(ParseArgs({"--nope"}, kSpecs).status().message(), HasSubstr("\"--nope\""));
  EXPECT_THAT(ParseArgs({"-n"}, kSpecs).status().message(), HasSubstr("--namespace needs a value"));
  EXPECT_THAT(ParseArgs({"-A=1"}, kSpecs).status().message(), HasSubstr("takes no value"));
}

TEST(CliArgsTest, HelpListsFlags) {
  const std::string help = FlagsHelp(kSpecs);
  EXPECT_THAT(help, HasSubstr("-n, --namespace=NS"));
  EXPECT_THAT(help, HasSubstr("-h, --help"));
}

TEST(KindsTest, AliasesAndFileNames) {
  EXPECT_EQ(*ResolveKind("svc"), "Service");
  EXPECT_EQ(*ResolveKind("HTTPRoutes"), "HTTPRoute");
  EXPECT_EQ(*ResolveKind("tp"), "TrafficPolicy");
  EXPECT_EQ(*ResolveKind("eps"), "EndpointSlice");
  EXPECT_EQ(*ResolveKind("PeerAuthentications"), "PeerAuthentication");
  EXPECT_EQ(*ResolveKind("ap"), "AuthorizationPolicy");
  EXPECT_FALSE(ResolveKind("pods").ok());
  ObjectId id{"HTTPRoute", "shop", "split"};
  EXPECT_EQ(id.ToString(), "httproute/shop/split");
  EXPECT_EQ(OwnedFileName(id), "httproute-shop-split.yaml");
}

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  EXPECT_EQ(FormatTable({"A", "LONG"}, {{"xyz", "1"}, {"", ""}}),
            "A     LONG\n"
            "xyz   1\n"
            "\n");
}

}  // namespace
}  // namespace weft::meshctl
