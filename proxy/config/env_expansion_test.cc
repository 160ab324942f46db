#include "proxy/config/env_expansion.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::config {
namespace {

using ::testing::HasSubstr;

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](absl::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(EnvExpansionTest, ExpandsEveryReference) {
  absl::StatusOr<std::string> id = ExpandEnvironment(
      "${POD_NAMESPACE}/${POD_NAME}", Env({{"POD_NAME", "web-7d4b9c-x2x7k"},
                                          {"POD_NAMESPACE", "shop"}}));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "shop/web-7d4b9c-x2x7k");
}

TEST(EnvExpansionTest, TextWithoutReferencesIsUnchanged) {
  EXPECT_EQ(*ExpandEnvironment("shop/web", Env({})), "shop/web");
  EXPECT_EQ(*ExpandEnvironment("a$b$", Env({})), "a$b$");  // a lone '$' stays
  EXPECT_EQ(*ExpandEnvironment("cost$${X}", Env({})), "cost${X}");  // "$$" is '$'
  EXPECT_EQ(*ExpandEnvironment("", Env({})), "");
}

TEST(EnvExpansionTest, EmptyValueIsSetButMissingIsAnErrorNamingEveryVariable) {
  EXPECT_EQ(*ExpandEnvironment("[${EMPTY}]", Env({{"EMPTY", ""}})), "[]");
  absl::StatusOr<std::string> id =
      ExpandEnvironment("${POD_NAMESPACE}/${POD_NAME}", Env({}));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("POD_NAMESPACE is not set in the environment"));
  EXPECT_THAT(id.status().message(), HasSubstr("POD_NAME is not set in the environment"));
}

TEST(EnvExpansionTest, MalformedReferencesAreErrors) {
  EXPECT_THAT(ExpandEnvironment("${1X}", Env({})).status().message(),
              HasSubstr("${1X} is not a variable name"));
  EXPECT_THAT(ExpandEnvironment("${}", Env({})).status().message(),
              HasSubstr("${} is not a variable name"));
  EXPECT_THAT(ExpandEnvironment("a/${POD_NAME", Env({})).status().message(),
              HasSubstr("\"${POD_NAME\" has no closing '}'"));
}

}  // namespace
}  // namespace weft::config
