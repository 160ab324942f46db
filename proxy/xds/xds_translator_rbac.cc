#include "proxy/xds/xds_translator_rbac.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"

namespace weft::xds {
namespace {

namespace rbac_v3 = envoy::config::rbac::v3;
using envoy::type::matcher::v3::StringMatcher;
using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using RbacFilter = envoy::extensions::filters::http::rbac::v3::RBAC;

constexpr char kHcmType[] =
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

// Reads one RBAC filter; every unsupported field is one problem.
class RbacReader {
 public:
  explicit RbacReader(const ProblemSink& problem) : problem_(problem) {}

  bool ok() const { return ok_; }

  void Problem(const std::string& where, const std::string& message) {
    ok_ = false;
    problem_(where, message);
  }

  void String(const StringMatcher& m, const std::string& where, config::AuthzStringMatch& out) {
    using Type = config::AuthzStringMatch::Type;
    if (m.ignore_case()) Problem(where, "ignore_case is not supported");
    switch (m.match_pattern_case()) {
      case StringMatcher::kExact: out = {Type::kExact, m.exact()}; return;
      case StringMatcher::kPrefix: out = {Type::kPrefix, m.prefix()}; return;
      case StringMatcher::kSuffix: out = {Type::kSuffix, m.suffix()}; return;
      case StringMatcher::kContains: out = {Type::kContains, m.contains()}; return;
      case StringMatcher::kSafeRegex:
        return Problem(where, "safe_regex is not supported in RBAC rules");
      default: return Problem(where, "a string matcher needs exact, prefix, suffix or contains");
    }
  }

  void Header(const envoy::config::route::v3::HeaderMatcher& h, const std::string& where,
              config::AuthzHeaderMatch& out) {
    using HeaderMatcher = envoy::config::route::v3::HeaderMatcher;
    out.name = absl::AsciiStrToLower(h.name());
    out.invert = h.invert_match();
    if (out.name.empty()) Problem(where, "name is required");
    switch (h.header_match_specifier_case()) {
      case HeaderMatcher::kStringMatch:
        return String(h.string_match(), absl::StrCat(where, ".string_match"), out.value);
      case HeaderMatcher::kPresentMatch: out.present_only = true; return;
      default:
        return Problem(where, "only string_match and present_match header matchers are supported");
    }
  }

  config::AuthzPermission Permission(const rbac_v3::Permission& p, const std::string& where) {
    using Kind = config::AuthzPermission::Kind;
    config::AuthzPermission out;
    auto set = [&](Kind kind, const rbac_v3::Permission::Set& rules, const char* field) {
      out.kind = kind;
      for (int i = 0; i < rules.rules_size(); ++i) {
        out.children.push_back(
            Permission(rules.rules(i), absl::StrCat(where, ".", field, ".rules[", i, "]")));
      }
    };
    switch (p.rule_case()) {
      case rbac_v3::Permission::kAny: out.kind = Kind::kAny; break;
      case rbac_v3::Permission::kAndRules: set(Kind::kAnd, p.and_rules(), "and_rules"); break;
      case rbac_v3::Permission::kOrRules: set(Kind::kOr, p.or_rules(), "or_rules"); break;
      case rbac_v3::Permission::kNotRule:
        out.kind = Kind::kNot;
        out.children.push_back(Permission(p.not_rule(), absl::StrCat(where, ".not_rule")));
        break;
      case rbac_v3::Permission::kDestinationPort:
        out.kind = Kind::kDestinationPort;
        out.port = p.destination_port();
        if (out.port > 65535) Problem(where, "destination_port is not a port");
        break;
      case rbac_v3::Permission::kUrlPath:
        out.kind = Kind::kPath;
        String(p.url_path().path(), absl::StrCat(where, ".url_path.path"), out.path);
        break;
      case rbac_v3::Permission::kHeader:
        out.kind = Kind::kHeader;
        Header(p.header(), absl::StrCat(where, ".header"), out.header);
        break;
      default:
        Problem(where,
                "unsupported permission (supported: any, and_rules, or_rules, not_rule, "
                "destination_port, url_path, header)");
    }
    return out;
  }

  config::AuthzPrincipal Principal(const rbac_v3::Principal& p, const std::string& where) {
    using Kind = config::AuthzPrincipal::Kind;
    config::AuthzPrincipal out;
    auto set = [&](Kind kind, const rbac_v3::Principal::Set& ids, const char* field) {
      out.kind = kind;
      for (int i = 0; i < ids.ids_size(); ++i) {
        out.children.push_back(
            Principal(ids.ids(i), absl::StrCat(where, ".", field, ".ids[", i, "]")));
      }
    };
    switch (p.identifier_case()) {
      case rbac_v3::Principal::kAny: out.kind = Kind::kAny; break;
      case rbac_v3::Principal::kAndIds: set(Kind::kAnd, p.and_ids(), "and_ids"); break;
      case rbac_v3::Principal::kOrIds: set(Kind::kOr, p.or_ids(), "or_ids"); break;
      case rbac_v3::Principal::kNotId:
        out.kind = Kind::kNot;
        out.children.push_back(Principal(p.not_id(), absl::StrCat(where, ".not_id")));
        break;
      case rbac_v3::Principal::kAuthenticated:
        out.kind = Kind::kAuthenticated;
        // No principal_name: any authenticated caller (an empty prefix).
        out.identity = {config::AuthzStringMatch::Type::kPrefix, ""};
        if (p.authenticated().has_principal_name()) {
          String(p.authenticated().principal_name(),
                 absl::StrCat(where, ".authenticated.principal_name"), out.identity);
        }
        break;
      case rbac_v3::Principal::kHeader:
        out.kind = Kind::kHeader;
        Header(p.header(), absl::StrCat(where, ".header"), out.header);
        break;
      default:
        Problem(where,
                "unsupported principal (supported: any, and_ids, or_ids, not_id, authenticated, "
                "header)");
    }
    return out;
  }

  void Filter(const RbacFilter& filter, const std::string& where, config::Authorization& out) {
    if (filter.has_shadow_rules()) Problem(where, "shadow_rules are not supported");
    if (!filter.has_rules()) return;  // allows everything
    const rbac_v3::RBAC& rules = filter.rules();
    config::AuthzRules set;
    switch (rules.action()) {
      case rbac_v3::RBAC::ALLOW: set.action = config::AuthzAction::kAllow; break;
      case rbac_v3::RBAC::DENY: set.action = config::AuthzAction::kDeny; break;
      default: return Problem(absl::StrCat(where, ".rules.action"), "only ALLOW and DENY");
    }
    // Name order, as Envoy evaluates them (a proto map has none of its own).
    const std::map<std::string, const rbac_v3::Policy*> sorted = [&] {
      std::map<std::string, const rbac_v3::Policy*> m;
      for (const auto& [name, policy] : rules.policies()) m.emplace(name, &policy);
      return m;
    }();
    for (const auto& [name, policy] : sorted) {
      const std::string pwhere = absl::StrCat(where, ".rules.policies[\"", name, "\"]");
      config::AuthzPolicy p;
      p.name = name;
      for (int i = 0; i < policy->permissions_size(); ++i) {
        p.permissions.push_back(
            Permission(policy->permissions(i), absl::StrCat(pwhere, ".permissions[", i, "]")));
      }
      for (int i = 0; i < policy->principals_size(); ++i) {
        p.principals.push_back(
            Principal(policy->principals(i), absl::StrCat(pwhere, ".principals[", i, "]")));
      }
      set.policies.push_back(std::move(p));
    }
    out.rules.push_back(std::move(set));
  }

 private:
  const ProblemSink& problem_;
  bool ok_ = true;
};

}  // namespace

bool ReadChainAuthz(
    const google::protobuf::RepeatedPtrField<envoy::config::listener::v3::Filter>& filters,
    const std::string& where, const ProblemSink& problem, config::Authorization& out) {
  RbacReader reader(problem);
  for (int f = 0; f < filters.size(); ++f) {
    HttpConnectionManager hcm;
    if (filters[f].typed_config().type_url() != kHcmType ||
        !filters[f].typed_config().UnpackTo(&hcm)) {
      continue;  // not HTTP (or already reported by the filter's own reader)
    }
    for (int i = 0; i < hcm.http_filters_size(); ++i) {
      const auto& http_filter = hcm.http_filters(i);
      if (http_filter.typed_config().type_url() != kRbacFilterType) continue;
      const std::string fwhere = absl::StrCat(where, ".filters[", f, "].http_filters[", i, "]");
      RbacFilter rbac;
      if (!http_filter.typed_config().UnpackTo(&rbac)) {
        reader.Problem(fwhere, "typed_config does not parse as RBAC");
        continue;
      }
      reader.Filter(rbac, fwhere, out);
    }
  }
  return reader.ok();
}

}  // namespace weft::xds
