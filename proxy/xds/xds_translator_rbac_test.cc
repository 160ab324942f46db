// RBAC HTTP filters read from a chain's HttpConnectionManager: what is
// supported lands in config::Authorization, the rest NACKs with the field named.

#include "proxy/xds/xds_translator_rbac.h"

#include <string>
#include <vector>

#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using RbacFilter = envoy::extensions::filters::http::rbac::v3::RBAC;

// A chain's filters: one HCM with the given RBAC filters (text format) and the router.
google::protobuf::RepeatedPtrField<envoy::config::listener::v3::Filter> Chain(
    const std::vector<std::string>& rbac_texts) {
  HttpConnectionManager hcm;
  for (const std::string& text : rbac_texts) {
    RbacFilter rbac;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rbac)) << text;
    auto* f = hcm.add_http_filters();
    f->set_name("envoy.filters.http.rbac");
    f->mutable_typed_config()->PackFrom(rbac);
  }
  hcm.add_http_filters()->set_name("envoy.filters.http.router");
  google::protobuf::RepeatedPtrField<envoy::config::listener::v3::Filter> filters;
  filters.Add()->mutable_typed_config()->PackFrom(hcm);
  return filters;
}

struct Result {
  bool ok;
  config::Authorization authz;
  std::vector<std::string> problems;
};

Result Read(const std::vector<std::string>& rbac_texts) {
  Result r;
  auto sink = [&r](const std::string& w, const std::string& m) {
    r.problems.push_back(w + ": " + m);
  };
  r.ok = ReadChainAuthz(Chain(rbac_texts), "chain", sink, r.authz);
  return r;
}

TEST(XdsRbacTest, DenyThenAllowFiltersAreReadInOrder) {
  const Result r = Read({R"pb(
    rules {
      action: DENY
      policies {
        key: "shop/no-admin[0]"
        value {
          permissions { url_path { path { prefix: "/admin/" } } }
          principals { any: true }
        }
      }
    })pb",
                         R"pb(
    rules {
      policies {
        key: "shop/frontend[0]"
        value {
          permissions {
            and_rules {
              rules { destination_port: 8080 }
              rules { header { name: ":method" string_match { exact: "GET" } } }
              rules { not_rule { url_path { path { suffix: ".bak" } } } }
            }
          }
          principals {
            or_ids {
              ids { authenticated { principal_name { exact: "spiffe://td/ns/shop/sa/fe" } } }
              ids { authenticated { principal_name { contains: "/ns/ops/sa/" } } }
            }
          }
        }
      }
      policies {
        key: "a-first"
        value {
          permissions { any: true }
          principals { header { name: "X-Probe" present_match: true invert_match: true } }
        }
      }
    })pb"});
  ASSERT_TRUE(r.ok) << ::testing::PrintToString(r.problems);
  ASSERT_EQ(r.authz.rules.size(), 2u);
  const config::AuthzRules& deny = r.authz.rules[0];
  EXPECT_EQ(deny.action, config::AuthzAction::kDeny);
  ASSERT_EQ(deny.policies.size(), 1u);
  EXPECT_EQ(deny.policies[0].permissions[0].kind, config::AuthzPermission::Kind::kPath);
  EXPECT_EQ(deny.policies[0].permissions[0].path.type, config::AuthzStringMatch::Type::kPrefix);

  const config::AuthzRules& allow = r.authz.rules[1];
  EXPECT_EQ(allow.action, config::AuthzAction::kAllow);
  ASSERT_EQ(allow.policies.size(), 2u);
  EXPECT_EQ(allow.policies[0].name, "a-first");  // name order
  const config::AuthzHeaderMatch& probe = allow.policies[0].principals[0].header;
  EXPECT_EQ(probe.name, "x-probe");
  EXPECT_TRUE(probe.present_only);
  EXPECT_TRUE(probe.invert);
  const config::AuthzPermission& and_rules = allow.policies[1].permissions[0];
  ASSERT_EQ(and_rules.children.size(), 3u);
  EXPECT_EQ(and_rules.children[0].port, 8080u);
  EXPECT_EQ(and_rules.children[1].header.value.value, "GET");
  EXPECT_EQ(and_rules.children[2].kind, config::AuthzPermission::Kind::kNot);
  const config::AuthzPrincipal& ids = allow.policies[1].principals[0];
  ASSERT_EQ(ids.children.size(), 2u);
  EXPECT_EQ(ids.children[0].identity.value, "spiffe://td/ns/shop/sa/fe");
  EXPECT_EQ(ids.children[1].identity.type, config::AuthzStringMatch::Type::kContains);
}

TEST(XdsRbacTest, AFilterWithoutRulesEnforcesNothing) {
  const Result r = Read({""});
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.authz.empty());
}

TEST(XdsRbacTest, UnsupportedFeaturesAreEachReported) {
  const Result r = Read({R"pb(
    rules {
      action: LOG
    })pb",
                         R"pb(
    shadow_rules { action: ALLOW }
    rules {
      policies {
        key: "p"
        value {
          permissions { url_path { path { safe_regex { regex: "/a.*" } } } }
          permissions { header { name: "x" string_match { exact: "y" ignore_case: true } } }
          principals { }
        }
      }
    })pb"});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(
      r.problems,
      ElementsAre(
          HasSubstr("chain.filters[0].http_filters[0].rules.action: only ALLOW and DENY"),
          HasSubstr("http_filters[1]: shadow_rules are not supported"),
          HasSubstr("policies[\"p\"].permissions[0].url_path.path: safe_regex is not supported"),
          HasSubstr("permissions[1].header.string_match: ignore_case is not supported"),
          HasSubstr("policies[\"p\"].principals[0]: unsupported principal")));
}

}  // namespace
}  // namespace weft::xds
