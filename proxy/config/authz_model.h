#ifndef WEFT_PROXY_CONFIG_AUTHZ_MODEL_H_
#define WEFT_PROXY_CONFIG_AUTHZ_MODEL_H_

// Authorization rules of an inbound filter chain, the proxy's form of Envoy's RBAC
// HTTP filter (envoy.extensions.filters.http.rbac.v3.RBAC): a list of rule sets,
// each with an action and named policies. A policy matches a request when one of
// its permissions (what is asked: port, path, method, headers) and one of its
// principals (who asks: the caller's verified SPIFFE ID) match. A request passes
// when every rule set lets it through, in order: an ALLOW set iff one of its
// policies matches, a DENY set iff none does. The control plane sends a DENY set,
// then an ALLOW set when the workload has ALLOW policies (Istio's semantics).
// Evaluated by proxy/authz (authorizer.h).
//
//   Authorization authz;
//   AuthzRules& deny = authz.rules.emplace_back();
//   deny.action = AuthzAction::kDeny;
//   AuthzPolicy& p = deny.policies.emplace_back();
//   p.name = "shop/no-delete[0]";
//   p.permissions.push_back(AuthzPermission::Header({":method", {kExact, "DELETE"}}));
//   p.principals.push_back(AuthzPrincipal::Any());
//
// Plain values, thread-compatible; part of the immutable ProxyConfig.

#include <cstdint>
#include <string>
#include <vector>

namespace weft::config {

enum class AuthzAction { kAllow, kDeny };

// A string condition. Case-sensitive.
struct AuthzStringMatch {
  enum class Type { kExact, kPrefix, kSuffix, kContains };
  Type type = Type::kExact;
  std::string value;
};

// A request header: present (any value) or a value condition; `invert` negates
// the result. ":method", ":path" and ":authority" name those parts of the request.
struct AuthzHeaderMatch {
  std::string name;  // lowercase
  bool present_only = false;
  AuthzStringMatch value;  // unless present_only
  bool invert = false;
};

// What is asked. A tree like Envoy's Permission: kAnd/kOr/kNot combine
// `children` (kNot has exactly one).
struct AuthzPermission {
  enum class Kind { kAny, kAnd, kOr, kNot, kDestinationPort, kPath, kHeader };
  Kind kind = Kind::kAny;
  uint32_t port = 0;      // kDestinationPort
  AuthzStringMatch path;  // kPath: the path without its query
  AuthzHeaderMatch header;
  std::vector<AuthzPermission> children;
};

// Who asks. kAuthenticated matches the caller's verified SPIFFE ID (never a
// plaintext caller, whatever the matcher).
struct AuthzPrincipal {
  enum class Kind { kAny, kAnd, kOr, kNot, kAuthenticated, kHeader };
  Kind kind = Kind::kAny;
  AuthzStringMatch identity;  // kAuthenticated
  AuthzHeaderMatch header;
  std::vector<AuthzPrincipal> children;
};

struct AuthzPolicy {
  std::string name;  // reported when it decides
  std::vector<AuthzPermission> permissions;  // OR; empty matches nothing
  std::vector<AuthzPrincipal> principals;    // OR; empty matches nothing
};

// One RBAC filter.
struct AuthzRules {
  AuthzAction action = AuthzAction::kAllow;
  std::vector<AuthzPolicy> policies;  // an ALLOW set without policies denies all
};

struct Authorization {
  std::vector<AuthzRules> rules;  // empty: everything is allowed

  bool empty() const { return rules.empty(); }
};

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_AUTHZ_MODEL_H_
