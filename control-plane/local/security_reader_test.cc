// PeerAuthentication and AuthorizationPolicy manifests: the published examples
// (api/examples) parse and validate into the model, and misspelled fields and
// enum values are rejected by name.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "control-plane/core/build_model.h"
#include "control-plane/local/manifest_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane::local {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Model Parse(const std::string& text) {
  config::ProblemList problems;
  ParsedManifests parsed = ParseManifests(text, "m.yaml", problems);
  absl::StatusOr<Model> model = BuildModel(parsed.resources, problems);
  std::vector<std::string> lines;
  for (const auto& p : problems.problems()) lines.push_back(p.ToString());
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(lines, "\n");
  return model.ok() ? *model : Model();
}

std::string ParseProblems(const std::string& text) {
  config::ProblemList problems;
  ParseManifests(text, "m.yaml", problems);
  std::vector<std::string> lines;
  for (const auto& p : problems.problems()) lines.push_back(p.ToString());
  return absl::StrJoin(lines, "\n");
}

TEST(SecurityReaderTest, PeerAuthenticationExample) {
  const Model model = Parse(ReadFileOrDie("api/examples/peerauthentication.yaml"));
  ASSERT_EQ(model.peer_authentications.size(), 1u);
  const PeerAuthentication& p = model.peer_authentications.begin()->second;
  EXPECT_EQ(p.meta.key().ToString(), "shop/cart-strict");
  EXPECT_EQ(p.selector, (Labels{{"app", "cart"}}));
  EXPECT_EQ(p.mode, MtlsMode::kStrict);
  ASSERT_EQ(p.port_modes.size(), 1u);
  EXPECT_EQ(p.port_modes.at(9090), MtlsMode::kPermissive);
}

TEST(SecurityReaderTest, AuthorizationPolicyExample) {
  const Model model = Parse(ReadFileOrDie("api/examples/authorizationpolicy.yaml"));
  ASSERT_EQ(model.authorization_policies.size(), 1u);
  const AuthorizationPolicy& p = model.authorization_policies.begin()->second;
  EXPECT_EQ(p.action, AuthorizationAction::kAllow);
  ASSERT_EQ(p.rules.size(), 1u);
  const AuthorizationRule& rule = p.rules[0];
  ASSERT_EQ(rule.from.size(), 2u);
  EXPECT_THAT(rule.from[0].principals, ElementsAre("spiffe://cluster.local/ns/shop/sa/frontend"));
  EXPECT_THAT(rule.from[1].namespaces, ElementsAre("ops"));
  ASSERT_EQ(rule.to.size(), 1u);
  EXPECT_THAT(rule.to[0].ports, ElementsAre(8080));
  EXPECT_THAT(rule.to[0].methods, ElementsAre("GET", "POST"));
  EXPECT_THAT(rule.to[0].not_paths, ElementsAre("/cart/admin/*"));
  ASSERT_EQ(rule.when.size(), 1u);
  EXPECT_EQ(rule.when[0].key, "request.headers[x-tenant]");
  EXPECT_THAT(rule.when[0].values, ElementsAre("blue", "green"));
}

TEST(SecurityReaderTest, MistakesAreNamed) {
  const std::string problems = ParseProblems(R"(apiVersion: mesh.weft.dev/v1alpha1
kind: PeerAuthentication
metadata: {name: p, namespace: shop}
spec:
  selector: {labels: {app: cart}}
  mtls: {mode: OFF}
  portLevelMtls: {http: {mode: STRICT}}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: AuthorizationPolicy
metadata: {name: a, namespace: shop}
spec:
  action: AUDIT
  rules:
  - from: [{principals: ["*"]}]
)");
  for (const char* expected : {
           "m.yaml[0] spec.selector.labels",
           "m.yaml[0] spec.mtls.mode",
           "m.yaml[0] spec.portLevelMtls: keys must be port numbers",
           "m.yaml[1] spec.action",
           "m.yaml[1] spec.rules[0].from[0].principals",
       }) {
    EXPECT_THAT(problems, HasSubstr(expected));
  }
}

}  // namespace
}  // namespace weft::control_plane::local
