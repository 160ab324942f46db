#include "proxy/authz/authorizer.h"

#include "absl/strings/match.h"

namespace weft::authz {
namespace {

using config::AuthzHeaderMatch;
using config::AuthzPermission;
using config::AuthzPolicy;
using config::AuthzPrincipal;
using config::AuthzStringMatch;

absl::string_view PathOnly(absl::string_view target) {
  const size_t query = target.find_first_of("?#");
  return query == absl::string_view::npos ? target : target.substr(0, query);
}

std::optional<absl::string_view> HeaderValue(absl::string_view name, const Request& request) {
  if (name == ":method") return request.method;
  if (name == ":path") return request.path;
  if (request.headers == nullptr) return std::nullopt;
  return request.headers->Get(name);
}

bool HeaderMatches(const AuthzHeaderMatch& match, const Request& request) {
  const std::optional<absl::string_view> value = HeaderValue(match.name, request);
  bool result = value.has_value() && (match.present_only || Matches(match.value, *value));
  return result != match.invert;
}

template <typename Rule>
bool AnyMatches(const std::vector<Rule>& rules, const Request& request) {
  for (const Rule& rule : rules) {
    if (Matches(rule, request)) return true;
  }
  return false;
}

template <typename Rule>
bool AllMatch(const std::vector<Rule>& rules, const Request& request) {
  for (const Rule& rule : rules) {
    if (!Matches(rule, request)) return false;
  }
  return true;
}

bool PolicyMatches(const AuthzPolicy& policy, const Request& request) {
  return AnyMatches(policy.permissions, request) && AnyMatches(policy.principals, request);
}

}  // namespace

bool Matches(const AuthzStringMatch& match, absl::string_view value) {
  switch (match.type) {
    case AuthzStringMatch::Type::kExact: return value == match.value;
    case AuthzStringMatch::Type::kPrefix: return absl::StartsWith(value, match.value);
    case AuthzStringMatch::Type::kSuffix: return absl::EndsWith(value, match.value);
    case AuthzStringMatch::Type::kContains: return absl::StrContains(value, match.value);
  }
  return false;
}

bool Matches(const AuthzPermission& permission, const Request& request) {
  using Kind = AuthzPermission::Kind;
  switch (permission.kind) {
    case Kind::kAny: return true;
    case Kind::kAnd: return AllMatch(permission.children, request);
    case Kind::kOr: return AnyMatches(permission.children, request);
    case Kind::kNot:
      return permission.children.size() == 1 && !Matches(permission.children[0], request);
    case Kind::kDestinationPort: return request.destination_port == permission.port;
    case Kind::kPath: return Matches(permission.path, PathOnly(request.path));
    case Kind::kHeader: return HeaderMatches(permission.header, request);
  }
  return false;
}

bool Matches(const AuthzPrincipal& principal, const Request& request) {
  using Kind = AuthzPrincipal::Kind;
  switch (principal.kind) {
    case Kind::kAny: return true;
    case Kind::kAnd: return AllMatch(principal.children, request);
    case Kind::kOr: return AnyMatches(principal.children, request);
    case Kind::kNot:
      return principal.children.size() == 1 && !Matches(principal.children[0], request);
    case Kind::kAuthenticated:
      return !request.peer_identity.empty() && Matches(principal.identity, request.peer_identity);
    case Kind::kHeader: return HeaderMatches(principal.header, request);
  }
  return false;
}

Decision Evaluate(const config::Authorization& authz, const Request& request) {
  Decision decision;
  for (const config::AuthzRules& rules : authz.rules) {
    const AuthzPolicy* matched = nullptr;
    for (const AuthzPolicy& policy : rules.policies) {
      if (PolicyMatches(policy, request)) {
        matched = &policy;
        break;
      }
    }
    if (rules.action == config::AuthzAction::kDeny) {
      if (matched != nullptr) return Decision{false, matched->name};
    } else if (matched == nullptr) {
      return Decision{false, absl::string_view()};
    } else {
      decision.policy = matched->name;
    }
  }
  return decision;
}

}  // namespace weft::authz
