#include "control-plane/translate/rbac_builder.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control-plane/core/workload_security.h"
#include "control-plane/translate/resource_map.h"
#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"

namespace weft::control_plane {
namespace {

namespace rbac_v3 = envoy::config::rbac::v3;
using XdsHttpFilter =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter;
using envoy::type::matcher::v3::StringMatcher;

// "x" exact, "x*" prefix, "*x" suffix; "*" is handled by the callers (any).
StringMatcher Pattern(const std::string& value) {
  StringMatcher m;
  if (value.size() > 1 && value.back() == '*') {
    m.set_prefix(value.substr(0, value.size() - 1));
  } else if (value.size() > 1 && value.front() == '*') {
    m.set_suffix(value.substr(1));
  } else {
    m.set_exact(value);
  }
  return m;
}

// ---- Principals --------------------------------------------------------------

rbac_v3::Principal AnyPrincipal() {
  rbac_v3::Principal p;
  p.set_any(true);
  return p;
}

rbac_v3::Principal Identity(StringMatcher name) {
  rbac_v3::Principal p;
  *p.mutable_authenticated()->mutable_principal_name() = std::move(name);
  return p;
}

rbac_v3::Principal AnyIdentity() {
  StringMatcher m;
  m.set_prefix("spiffe://");
  return Identity(std::move(m));
}

rbac_v3::Principal PrincipalOf(const std::string& principal) {
  if (principal == "*") return AnyIdentity();
  StringMatcher m;
  m.set_exact(principal);
  return Identity(std::move(m));
}

rbac_v3::Principal NamespaceOf(const std::string& ns) {
  if (ns == "*") return AnyIdentity();
  StringMatcher m;
  m.set_contains(absl::StrCat("/ns/", ns, "/sa/"));
  return Identity(std::move(m));
}

// OR of `make(value)` for every value, negated when `negate`.
template <typename Make>
rbac_v3::Principal OrIds(const std::vector<std::string>& values, bool negate, Make make) {
  rbac_v3::Principal any_of;
  for (const std::string& v : values) *any_of.mutable_or_ids()->add_ids() = make(v);
  if (!negate) return any_of;
  rbac_v3::Principal p;
  *p.mutable_not_id() = std::move(any_of);
  return p;
}

rbac_v3::Principal SourcePrincipal(const AuthorizationSource& source) {
  rbac_v3::Principal all;
  auto add = [&all](const std::vector<std::string>& values, bool negate, auto make) {
    if (!values.empty()) *all.mutable_and_ids()->add_ids() = OrIds(values, negate, make);
  };
  add(source.principals, false, PrincipalOf);
  add(source.not_principals, true, PrincipalOf);
  add(source.namespaces, false, NamespaceOf);
  add(source.not_namespaces, true, NamespaceOf);
  return all.has_and_ids() ? all : AnyPrincipal();
}

// ---- Permissions -------------------------------------------------------------

rbac_v3::Permission AnyPermission() {
  rbac_v3::Permission p;
  p.set_any(true);
  return p;
}

rbac_v3::Permission Header(const std::string& name, const std::string& value) {
  rbac_v3::Permission p;
  auto* header = p.mutable_header();
  header->set_name(name);
  if (value == "*") {
    header->set_present_match(true);
  } else {
    *header->mutable_string_match() = Pattern(value);
  }
  return p;
}

rbac_v3::Permission Path(const std::string& value) {
  if (value == "*") return AnyPermission();
  rbac_v3::Permission p;
  *p.mutable_url_path()->mutable_path() = Pattern(value);
  return p;
}

rbac_v3::Permission Port(int32_t port) {
  rbac_v3::Permission p;
  p.set_destination_port(static_cast<uint32_t>(port));
  return p;
}

template <typename T, typename Make>
rbac_v3::Permission OrRules(const std::vector<T>& values, bool negate, Make make) {
  rbac_v3::Permission any_of;
  for (const T& v : values) *any_of.mutable_or_rules()->add_rules() = make(v);
  if (!negate) return any_of;
  rbac_v3::Permission p;
  *p.mutable_not_rule() = std::move(any_of);
  return p;
}

// The operation (null: none) and every condition, ANDed.
rbac_v3::Permission RulePermission(const AuthorizationOperation* op,
                                   const std::vector<AuthorizationCondition>& when) {
  rbac_v3::Permission all;
  auto add = [&all](rbac_v3::Permission p) {
    *all.mutable_and_rules()->add_rules() = std::move(p);
  };
  auto method = [](const std::string& m) { return Header(":method", m); };
  if (op != nullptr) {
    if (!op->ports.empty()) add(OrRules(op->ports, false, Port));
    if (!op->methods.empty()) add(OrRules(op->methods, false, method));
    if (!op->not_methods.empty()) add(OrRules(op->not_methods, true, method));
    if (!op->paths.empty()) add(OrRules(op->paths, false, Path));
    if (!op->not_paths.empty()) add(OrRules(op->not_paths, true, Path));
  }
  for (const AuthorizationCondition& c : when) {
    const std::string name = ConditionHeaderName(c.key);
    auto header = [&name](const std::string& v) { return Header(name, v); };
    if (!c.values.empty()) add(OrRules(c.values, false, header));
    if (!c.not_values.empty()) add(OrRules(c.not_values, true, header));
  }
  return all.has_and_rules() ? all : AnyPermission();
}

rbac_v3::Policy RulePolicy(const AuthorizationRule& rule) {
  rbac_v3::Policy policy;
  for (const AuthorizationSource& source : rule.from) {
    *policy.add_principals() = SourcePrincipal(source);
  }
  if (rule.from.empty()) *policy.add_principals() = AnyPrincipal();
  for (const AuthorizationOperation& op : rule.to) {
    *policy.add_permissions() = RulePermission(&op, rule.when);
  }
  if (rule.to.empty()) *policy.add_permissions() = RulePermission(nullptr, rule.when);
  return policy;
}

XdsHttpFilter RbacFilterOf(const std::vector<const AuthorizationPolicy*>& policies,
                        AuthorizationAction action) {
  envoy::extensions::filters::http::rbac::v3::RBAC rbac;
  rbac_v3::RBAC* rules = rbac.mutable_rules();
  rules->set_action(action == AuthorizationAction::kDeny ? rbac_v3::RBAC::DENY
                                                         : rbac_v3::RBAC::ALLOW);
  for (const AuthorizationPolicy* p : policies) {
    if (p->action != action) continue;
    for (size_t i = 0; i < p->rules.size(); ++i) {
      (*rules->mutable_policies())[absl::StrCat(p->meta.key().ToString(), "[", i, "]")] =
          RulePolicy(p->rules[i]);
    }
  }
  XdsHttpFilter filter;
  filter.set_name(std::string(kRbacFilter));
  *filter.mutable_typed_config() = PackDeterministic(rbac);
  return filter;
}

}  // namespace

std::vector<XdsHttpFilter> BuildInboundRbacFilters(const Model& model,
                                                   const Workload& workload) {
  const std::vector<const AuthorizationPolicy*> policies =
      AuthorizationPoliciesFor(model, workload);
  bool deny = false;
  bool allow = false;
  for (const AuthorizationPolicy* p : policies) {
    (p->action == AuthorizationAction::kDeny ? deny : allow) = true;
  }
  std::vector<XdsHttpFilter> filters;
  if (deny) filters.push_back(RbacFilterOf(policies, AuthorizationAction::kDeny));
  if (allow) filters.push_back(RbacFilterOf(policies, AuthorizationAction::kAllow));
  return filters;
}

}  // namespace weft::control_plane
