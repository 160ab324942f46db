// The authorization engine: each matcher, and the DENY-then-ALLOW order.

#include "proxy/authz/authorizer.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace weft::authz {
namespace {

using config::AuthzAction;
using config::AuthzPermission;
using config::AuthzPolicy;
using config::AuthzPrincipal;
using config::AuthzStringMatch;
using Type = AuthzStringMatch::Type;

constexpr char kFrontend[] = "spiffe://weft.local/ns/shop/sa/frontend";

AuthzPermission Port(uint32_t port) {
  AuthzPermission p;
  p.kind = AuthzPermission::Kind::kDestinationPort;
  p.port = port;
  return p;
}
AuthzPermission Path(Type type, std::string value) {
  AuthzPermission p;
  p.kind = AuthzPermission::Kind::kPath;
  p.path = {type, std::move(value)};
  return p;
}
AuthzPermission Method(std::string method) {
  AuthzPermission p;
  p.kind = AuthzPermission::Kind::kHeader;
  p.header.name = ":method";
  p.header.value = {Type::kExact, std::move(method)};
  return p;
}
AuthzPermission Combine(AuthzPermission::Kind kind, std::vector<AuthzPermission> children) {
  AuthzPermission p;
  p.kind = kind;
  p.children = std::move(children);
  return p;
}
AuthzPrincipal Identity(Type type, std::string value) {
  AuthzPrincipal p;
  p.kind = AuthzPrincipal::Kind::kAuthenticated;
  p.identity = {type, std::move(value)};
  return p;
}
AuthzPolicy Policy(std::string name, AuthzPermission permission, AuthzPrincipal principal) {
  return AuthzPolicy{std::move(name), {std::move(permission)}, {std::move(principal)}};
}

class AuthorizerTest : public ::testing::Test {
 protected:
  Request Make(absl::string_view identity, absl::string_view method = "GET",
               absl::string_view path = "/") {
    Request r;
    r.peer_identity = identity;
    r.destination_port = 8080;
    r.method = method;
    r.path = path;
    r.headers = &headers_;
    return r;
  }

  struct Headers : HeaderSource {
    std::optional<absl::string_view> Get(absl::string_view name) const override {
      auto it = values.find(std::string(name));
      if (it == values.end()) return std::nullopt;
      return absl::string_view(it->second);
    }
    std::map<std::string, std::string> values;
  };
  Headers headers_;
};

TEST_F(AuthorizerTest, StringMatchers) {
  EXPECT_TRUE(Matches(AuthzStringMatch{Type::kExact, "/a"}, "/a"));
  EXPECT_FALSE(Matches(AuthzStringMatch{Type::kExact, "/a"}, "/ab"));
  EXPECT_TRUE(Matches(AuthzStringMatch{Type::kPrefix, "/api/"}, "/api/items"));
  EXPECT_FALSE(Matches(AuthzStringMatch{Type::kPrefix, "/api/"}, "/apix"));
  EXPECT_TRUE(Matches(AuthzStringMatch{Type::kSuffix, ".png"}, "/img/a.png"));
  EXPECT_FALSE(Matches(AuthzStringMatch{Type::kSuffix, ".png"}, "/img/a.png.txt"));
  EXPECT_TRUE(Matches(AuthzStringMatch{Type::kContains, "/ns/shop/sa/"}, kFrontend));
  EXPECT_FALSE(Matches(AuthzStringMatch{Type::kContains, "/ns/shop/sa/"},
                       "spiffe://weft.local/ns/shopping/sa/x"));
}

TEST_F(AuthorizerTest, PermissionMatchers) {
  EXPECT_TRUE(Matches(Port(8080), Make(kFrontend)));
  EXPECT_FALSE(Matches(Port(9090), Make(kFrontend)));
  // Paths ignore the query string.
  EXPECT_TRUE(Matches(Path(Type::kExact, "/items"), Make(kFrontend, "GET", "/items?page=2")));
  EXPECT_TRUE(Matches(Method("POST"), Make(kFrontend, "POST")));
  EXPECT_FALSE(Matches(Method("POST"), Make(kFrontend, "GET")));
  AuthzPermission header;
  header.kind = AuthzPermission::Kind::kHeader;
  header.header.name = "x-tenant";
  header.header.present_only = true;
  EXPECT_FALSE(Matches(header, Make(kFrontend)));
  headers_.values["x-tenant"] = "blue";
  EXPECT_TRUE(Matches(header, Make(kFrontend)));
  header.header.invert = true;
  EXPECT_FALSE(Matches(header, Make(kFrontend)));

  using Kind = AuthzPermission::Kind;
  EXPECT_TRUE(Matches(Combine(Kind::kAnd, {Port(8080), Method("GET")}), Make(kFrontend)));
  EXPECT_FALSE(Matches(Combine(Kind::kAnd, {Port(8080), Method("PUT")}), Make(kFrontend)));
  EXPECT_TRUE(Matches(Combine(Kind::kOr, {Port(1), Method("GET")}), Make(kFrontend)));
  EXPECT_FALSE(Matches(Combine(Kind::kOr, {}), Make(kFrontend)));
  EXPECT_TRUE(Matches(Combine(Kind::kNot, {Port(1)}), Make(kFrontend)));
  EXPECT_FALSE(Matches(Combine(Kind::kNot, {Port(8080)}), Make(kFrontend)));
}

TEST_F(AuthorizerTest, PrincipalsNeedAVerifiedIdentity) {
  EXPECT_TRUE(Matches(Identity(Type::kExact, kFrontend), Make(kFrontend)));
  EXPECT_FALSE(
      Matches(Identity(Type::kExact, kFrontend), Make("spiffe://weft.local/ns/shop/sa/x")));
  // "*" is any verified identity: a plaintext caller has none.
  EXPECT_TRUE(Matches(Identity(Type::kPrefix, "spiffe://"), Make(kFrontend)));
  EXPECT_FALSE(Matches(Identity(Type::kPrefix, "spiffe://"), Make("")));
  AuthzPrincipal not_frontend;
  not_frontend.kind = AuthzPrincipal::Kind::kNot;
  not_frontend.children = {Identity(Type::kExact, kFrontend)};
  EXPECT_TRUE(Matches(not_frontend, Make("")));
  EXPECT_FALSE(Matches(not_frontend, Make(kFrontend)));
}

TEST_F(AuthorizerTest, NoRulesAllowEverything) {
  const Decision d = Evaluate(config::Authorization{}, Make(""));
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.policy.empty());
}

TEST_F(AuthorizerTest, DenyWinsOverAllow) {
  config::Authorization authz;
  authz.rules.push_back({AuthzAction::kDeny,
                         {Policy("shop/no-delete[0]", Method("DELETE"), AuthzPrincipal{})}});
  authz.rules.push_back({AuthzAction::kAllow,
                         {Policy("shop/frontend[0]", Port(8080),
                                 Identity(Type::kExact, kFrontend))}});
  Decision d = Evaluate(authz, Make(kFrontend, "DELETE"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.policy, "shop/no-delete[0]");

  d = Evaluate(authz, Make(kFrontend, "GET"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.policy, "shop/frontend[0]");

  // Not denied, but no ALLOW policy matches.
  d = Evaluate(authz, Make("spiffe://weft.local/ns/other/sa/x", "GET"));
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.policy.empty());
}

TEST_F(AuthorizerTest, DenyOnlyAllowsTheRest) {
  config::Authorization authz;
  authz.rules.push_back(
      {AuthzAction::kDeny, {Policy("p", Path(Type::kPrefix, "/admin/"), AuthzPrincipal{})}});
  EXPECT_FALSE(Evaluate(authz, Make("", "GET", "/admin/users")).allowed);
  EXPECT_TRUE(Evaluate(authz, Make("", "GET", "/public")).allowed);
}

TEST_F(AuthorizerTest, AnAllowSetWithoutPoliciesDeniesAll) {
  config::Authorization authz;
  authz.rules.push_back({AuthzAction::kAllow, {}});
  EXPECT_FALSE(Evaluate(authz, Make(kFrontend)).allowed);
}

TEST_F(AuthorizerTest, APolicyNeedsAPermissionAndAPrincipal) {
  config::Authorization authz;
  authz.rules.push_back({AuthzAction::kAllow, {AuthzPolicy{"empty", {AuthzPermission{}}, {}}}});
  EXPECT_FALSE(Evaluate(authz, Make(kFrontend)).allowed);
}

}  // namespace
}  // namespace weft::authz
