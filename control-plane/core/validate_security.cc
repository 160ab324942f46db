// Validation of PeerAuthentications and AuthorizationPolicies (see build_model.h
// and security_policy.h). Cross-resource checks (one namespace-wide
// PeerAuthentication per namespace) are in build_model.cc.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certs/spiffe_id.h"
#include "control-plane/core/validation_context.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::internal {
namespace {

using config::ChildPath;
using config::IndexPath;

void CheckSelector(const Labels& selector, ValidationContext& context) {
  for (const auto& [key, value] : selector) {
    if (key.empty()) context.Problem("spec.selector.matchLabels", "a label name is empty");
  }
}

// exact, "prefix*", "*suffix" or "*": one '*', at an end.
void CheckPattern(const std::string& path, const std::string& value, ValidationContext& context) {
  if (value.empty()) {
    context.Problem(path, "is empty");
    return;
  }
  const size_t star = value.find('*');
  if (star == std::string::npos || value == "*") return;
  if (value.find('*', star + 1) != std::string::npos ||
      (star != 0 && star != value.size() - 1)) {
    context.Problem(path, absl::StrCat("\"", value,
                                       "\": '*' may only be the whole value, its first or its "
                                       "last character (exact, prefix*, *suffix)"));
  }
}

void CheckPatterns(const std::string& path, const std::vector<std::string>& values,
                   ValidationContext& context) {
  for (size_t i = 0; i < values.size(); ++i) CheckPattern(IndexPath(path, i), values[i], context);
}

void CheckPrincipals(const std::string& path, const std::vector<std::string>& values,
                     ValidationContext& context) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == "*") continue;
    absl::StatusOr<certs::SpiffeId> id = certs::SpiffeId::Parse(values[i]);
    if (!id.ok()) {
      context.Problem(IndexPath(path, i),
                      absl::StrCat("\"", values[i],
                                   "\" is not a SPIFFE ID (spiffe://<trust-domain>/ns/<namespace>/"
                                   "sa/<service-account>) or \"*\": ",
                                   id.status().message()));
    }
  }
}

void CheckNamespaces(const std::string& path, const std::vector<std::string>& values,
                     ValidationContext& context) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != "*") context.CheckName(IndexPath(path, i), values[i], false);
  }
}

void ValidateSource(const AuthorizationSource& s, const std::string& path,
                    ValidationContext& context) {
  if (s.principals.empty() && s.not_principals.empty() && s.namespaces.empty() &&
      s.not_namespaces.empty()) {
    context.Problem(path,
                    "needs at least one of principals, notPrincipals, namespaces, notNamespaces");
  }
  CheckPrincipals(ChildPath(path, "principals"), s.principals, context);
  CheckPrincipals(ChildPath(path, "notPrincipals"), s.not_principals, context);
  CheckNamespaces(ChildPath(path, "namespaces"), s.namespaces, context);
  CheckNamespaces(ChildPath(path, "notNamespaces"), s.not_namespaces, context);
}

void ValidateOperation(const AuthorizationOperation& o, const std::string& path,
                       ValidationContext& context) {
  if (o.ports.empty() && o.methods.empty() && o.not_methods.empty() && o.paths.empty() &&
      o.not_paths.empty()) {
    context.Problem(path, "needs at least one of ports, methods, notMethods, paths, notPaths");
  }
  for (size_t i = 0; i < o.ports.size(); ++i) {
    context.CheckRange(IndexPath(ChildPath(path, "ports"), i), o.ports[i], 1, 65535, "a port");
  }
  CheckPatterns(ChildPath(path, "methods"), o.methods, context);
  CheckPatterns(ChildPath(path, "notMethods"), o.not_methods, context);
  CheckPatterns(ChildPath(path, "paths"), o.paths, context);
  CheckPatterns(ChildPath(path, "notPaths"), o.not_paths, context);
  for (const auto* list : {&o.paths, &o.not_paths}) {
    for (const std::string& p : *list) {
      if (!p.empty() && p[0] != '/' && p[0] != '*') {
        context.Problem(ChildPath(path, list == &o.paths ? "paths" : "notPaths"),
                        absl::StrCat("\"", p, "\" must start with '/' (or be a *suffix)"));
      }
    }
  }
}

void ValidateCondition(const AuthorizationCondition& c, const std::string& path,
                       ValidationContext& context) {
  if (ConditionHeaderName(c.key).empty()) {
    context.Problem(ChildPath(path, "key"),
                    absl::StrCat("\"", c.key,
                                 "\" is not supported; use request.headers[<name>] (sources and "
                                 "ports go in from and to)"));
  }
  if (c.values.empty() && c.not_values.empty()) {
    context.Problem(path, "needs values or notValues");
  }
  CheckPatterns(ChildPath(path, "values"), c.values, context);
  CheckPatterns(ChildPath(path, "notValues"), c.not_values, context);
}

}  // namespace

void ValidatePeerAuthentication(const PeerAuthentication& policy, ValidationContext& context) {
  CheckSelector(policy.selector, context);
  if (!policy.port_modes.empty() && policy.selector.empty()) {
    context.Problem("spec.portLevelMtls",
                    "needs spec.selector: port numbers are those of the selected workloads");
  }
  for (const auto& [port, mode] : policy.port_modes) {
    context.CheckRange(absl::StrCat("spec.portLevelMtls.", port), port, 1, 65535, "a port");
  }
}

void ValidateAuthorizationPolicy(const AuthorizationPolicy& policy, ValidationContext& context) {
  CheckSelector(policy.selector, context);
  for (size_t r = 0; r < policy.rules.size(); ++r) {
    const AuthorizationRule& rule = policy.rules[r];
    const std::string path = IndexPath("spec.rules", r);
    for (size_t i = 0; i < rule.from.size(); ++i) {
      ValidateSource(rule.from[i], ChildPath(IndexPath(ChildPath(path, "from"), i), "source"),
                     context);
    }
    for (size_t i = 0; i < rule.to.size(); ++i) {
      ValidateOperation(rule.to[i], ChildPath(IndexPath(ChildPath(path, "to"), i), "operation"),
                        context);
    }
    for (size_t i = 0; i < rule.when.size(); ++i) {
      ValidateCondition(rule.when[i], IndexPath(ChildPath(path, "when"), i), context);
    }
  }
}

}  // namespace weft::control_plane::internal
