// PeerAuthentication and AuthorizationPolicy: validation reports every problem
// at once with the object named; mTLS precedence (selector > namespace > mesh,
// port-level overrides, PERMISSIVE by default); which AuthorizationPolicies
// apply to a workload.

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "control-plane/core/build_model.h"
#include "control-plane/core/workload_security.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::HasSubstr;

Resource Make(ResourceObject object) {
  return Resource{ResourceOrigin{"m.yaml", 0, nullptr}, std::move(object)};
}

Workload MakeWorkload(const std::string& ns, const std::string& app) {
  Workload w;
  w.meta.ns = ns;
  w.meta.name = app + "-1";
  w.meta.labels = {{"app", app}};
  w.address = ns == "shop" ? (app == "cart" ? "10.0.0.1" : "10.0.0.2") : "10.0.1.1";
  return w;
}

PeerAuthentication MakePeer(const std::string& ns, const std::string& name, MtlsMode mode,
                            Labels selector = {}) {
  PeerAuthentication p;
  p.meta.ns = ns;
  p.meta.name = name;
  p.mode = mode;
  p.selector = std::move(selector);
  return p;
}

AuthorizationPolicy MakeAuthz(const std::string& ns, const std::string& name,
                              AuthorizationAction action, Labels selector = {}) {
  AuthorizationPolicy p;
  p.meta.ns = ns;
  p.meta.name = name;
  p.action = action;
  p.selector = std::move(selector);
  return p;
}

std::string Problems(const std::vector<Resource>& resources) {
  config::ProblemList problems;
  EXPECT_FALSE(BuildModel(resources, problems).ok());
  std::vector<std::string> lines;
  for (const auto& p : problems.problems()) lines.push_back(p.ToString());
  return absl::StrJoin(lines, "\n");
}

Model Build(const std::vector<Resource>& resources) {
  absl::StatusOr<Model> model = BuildModel(resources);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *model : Model();
}

TEST(SecurityPolicyTest, PeerAuthenticationProblemsAreAllReported) {
  PeerAuthentication ports = MakePeer("shop", "ports", MtlsMode::kStrict);
  ports.port_modes[0] = MtlsMode::kPermissive;
  const std::string problems =
      Problems({Make(ports), Make(MakePeer("shop", "second", MtlsMode::kDisable))});
  // Each problem names the object by where it was defined (file[document]) and field.
  EXPECT_THAT(problems, HasSubstr("m.yaml[0] spec.portLevelMtls: needs spec.selector"));
  EXPECT_THAT(problems, HasSubstr("spec.portLevelMtls.0: 0 is not a port"));
  EXPECT_THAT(problems, HasSubstr("namespace shop already has a PeerAuthentication without "
                                  "selector (shop/ports"));
}

TEST(SecurityPolicyTest, AuthorizationPolicyProblemsAreAllReported) {
  AuthorizationPolicy p = MakeAuthz("shop", "bad", AuthorizationAction::kAllow);
  AuthorizationRule rule;
  rule.from.push_back(AuthorizationSource{.principals = {"frontend", "*"},
                                          .namespaces = {"Not_A_Name"}});
  rule.from.emplace_back();
  rule.to.push_back(AuthorizationOperation{.ports = {70000}, .paths = {"/a*b", "api"}});
  rule.when.push_back(AuthorizationCondition{.key = "source.ip", .values = {"10.0.0.1"}});
  rule.when.push_back(AuthorizationCondition{.key = "request.headers[x-tenant]"});
  p.rules.push_back(rule);
  const std::string problems = Problems({Make(p)});
  for (const char* expected : {
           "m.yaml[0] spec.rules[0].from[0].source.principals[0]: \"frontend\" is not a SPIFFE ID",
           "spec.rules[0].from[0].source.namespaces[0]",
           "spec.rules[0].from[1].source: needs at least one of",
           "spec.rules[0].to[0].operation.ports[0]: 70000 is not a port",
           "spec.rules[0].to[0].operation.paths[0]: \"/a*b\": '*' may only be",
           "spec.rules[0].to[0].operation.paths: \"api\" must start with '/'",
           "spec.rules[0].when[0].key: \"source.ip\" is not supported",
           "spec.rules[0].when[1]: needs values or notValues",
       }) {
    EXPECT_THAT(problems, HasSubstr(expected));
  }
  EXPECT_THAT(problems, ::testing::Not(HasSubstr("principals[1]")));  // "*" is fine
}

TEST(SecurityPolicyTest, MtlsDefaultsToPermissive) {
  const Model model = Build({Make(MakeWorkload("shop", "cart"))});
  EXPECT_EQ(MtlsModeFor(model, model.workloads.begin()->second, 8080), MtlsMode::kPermissive);
}

TEST(SecurityPolicyTest, MtlsPrecedenceIsSelectorThenNamespaceThenMesh) {
  PeerAuthentication cart = MakePeer("shop", "cart", MtlsMode::kUnset, {{"app", "cart"}});
  cart.port_modes[9090] = MtlsMode::kPermissive;
  const Model model = Build({
      Make(MakeWorkload("shop", "cart")),
      Make(MakeWorkload("shop", "web")),
      Make(MakeWorkload("ops", "probe")),
      Make(MakePeer(kRootNamespace, "mesh", MtlsMode::kStrict)),
      Make(MakePeer("shop", "namespace", MtlsMode::kDisable)),
      Make(cart),
  });
  const Workload& cart_w = model.workloads.at({"shop", "cart-1"});
  const Workload& web_w = model.workloads.at({"shop", "web-1"});
  const Workload& probe_w = model.workloads.at({"ops", "probe-1"});
  // cart: its own policy has no mode (UNSET inherits the namespace's), one port override.
  EXPECT_EQ(MtlsModeFor(model, cart_w, 8080), MtlsMode::kDisable);
  EXPECT_EQ(MtlsModeFor(model, cart_w, 9090), MtlsMode::kPermissive);
  EXPECT_EQ(MtlsModeFor(model, web_w, 8080), MtlsMode::kDisable);
  EXPECT_EQ(MtlsModeFor(model, web_w, 9090), MtlsMode::kDisable);  // not cart's override
  EXPECT_EQ(MtlsModeFor(model, probe_w, 8080), MtlsMode::kStrict);  // mesh-wide
}

TEST(SecurityPolicyTest, AuthorizationPoliciesForAWorkload) {
  const Model model = Build({
      Make(MakeWorkload("shop", "cart")),
      Make(MakeWorkload("shop", "web")),
      Make(MakeAuthz(kRootNamespace, "mesh-deny", AuthorizationAction::kDeny)),
      Make(MakeAuthz(kRootNamespace, "root-selected", AuthorizationAction::kAllow,
                     {{"app", "cart"}})),
      Make(MakeAuthz("shop", "all-shop", AuthorizationAction::kAllow)),
      Make(MakeAuthz("shop", "cart-only", AuthorizationAction::kAllow, {{"app", "cart"}})),
      Make(MakeAuthz("ops", "other-ns", AuthorizationAction::kAllow)),
  });
  auto names = [&](const std::string& workload) {
    std::vector<std::string> out;
    for (const AuthorizationPolicy* p :
         AuthorizationPoliciesFor(model, model.workloads.at({"shop", workload}))) {
      out.push_back(p->meta.key().ToString());
    }
    return out;
  };
  EXPECT_THAT(names("cart-1"), ::testing::ElementsAre("shop/all-shop", "shop/cart-only",
                                                      "weft-system/mesh-deny"));
  EXPECT_THAT(names("web-1"), ::testing::ElementsAre("shop/all-shop", "weft-system/mesh-deny"));
}

}  // namespace
}  // namespace weft::control_plane
