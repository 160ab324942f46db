// Validation of HTTPRoutes and GRPCRoutes (see build_model.h).

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control-plane/core/validation_context.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::internal {
namespace {

using config::ChildPath;
using config::IndexPath;

constexpr int32_t kMaxWeight = 1'000'000;  // the Gateway API's limit

// RFC 7230 token characters.
bool IsHeaderName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && !absl::StrContains("!#$%&'*+-.^_`|~", c)) return false;
  }
  return true;
}

void CheckHeaderName(absl::string_view path, const std::string& name, ValidationContext& context) {
  if (!IsHeaderName(name)) {
    context.Problem(path, absl::StrCat("\"", name, "\" is not a valid header name"));
  }
}

void CheckParentRefs(const std::vector<ParentRef>& parents, const std::string& route_ns,
                     ValidationContext& context) {
  if (parents.empty()) {
    context.Problem("spec.parentRefs",
                    "required: the Service(s) whose traffic this route applies to");
  }
  for (size_t i = 0; i < parents.size(); ++i) {
    const ParentRef& parent = parents[i];
    const std::string path = IndexPath("spec.parentRefs", i);
    if (!context.CheckServiceKind(path, parent.group, parent.kind, "a parentRef")) continue;
    const Service* service = context.ResolveService(ChildPath(path, "name"),
                                                    ResolveRef(parent.ns, parent.name, route_ns));
    if (service != nullptr && parent.port != 0) {
      context.CheckServicePort(ChildPath(path, "port"), *service, parent.port);
    }
  }
}

void CheckBackendRefs(const std::vector<BackendRef>& backends, absl::string_view rule_path,
                      const std::string& route_ns, ValidationContext& context) {
  const std::string list_path = ChildPath(rule_path, "backendRefs");
  for (size_t i = 0; i < backends.size(); ++i) {
    const BackendRef& backend = backends[i];
    const std::string path = IndexPath(list_path, i);
    context.CheckRange(ChildPath(path, "weight"), backend.weight, 0, kMaxWeight, "a weight");
    if (!context.CheckServiceKind(path, backend.group, backend.kind, "a backendRef")) continue;
    const Service* service = context.ResolveService(ChildPath(path, "name"),
                                                    ResolveRef(backend.ns, backend.name, route_ns));
    if (backend.port == 0) {
      context.Problem(ChildPath(path, "port"), "required for a Service backend");
    } else if (service != nullptr) {
      context.CheckServicePort(ChildPath(path, "port"), *service, backend.port);
    }
  }
}

void CheckNameValueMatches(const std::vector<NameValueMatch>& matches, absl::string_view path,
                           bool header, ValidationContext& context) {
  for (size_t i = 0; i < matches.size(); ++i) {
    const NameValueMatch& match = matches[i];
    const std::string item = IndexPath(path, i);
    if (header) {
      CheckHeaderName(ChildPath(item, "name"), match.name, context);
    } else if (match.name.empty()) {
      context.Problem(ChildPath(item, "name"), "must not be empty");
    }
    if (match.type == StringMatchType::kRegularExpression) {
      context.CheckRegex(ChildPath(item, "value"), match.value);
    }
  }
}

void CheckHeaderModifier(const HeaderModifier& modifier, absl::string_view path,
                         ValidationContext& context) {
  for (size_t i = 0; i < modifier.set.size(); ++i) {
    CheckHeaderName(ChildPath(IndexPath(ChildPath(path, "set"), i), "name"), modifier.set[i].name,
                    context);
  }
  for (size_t i = 0; i < modifier.add.size(); ++i) {
    CheckHeaderName(ChildPath(IndexPath(ChildPath(path, "add"), i), "name"), modifier.add[i].name,
                    context);
  }
  for (size_t i = 0; i < modifier.remove.size(); ++i) {
    CheckHeaderName(IndexPath(ChildPath(path, "remove"), i), modifier.remove[i], context);
  }
  if (modifier.set.empty() && modifier.add.empty() && modifier.remove.empty()) {
    context.Problem(path, "sets, adds and removes nothing");
  }
}

void CheckPathModifier(const PathModifier& modifier, absl::string_view path,
                       const std::vector<HttpRouteMatch>& matches, ValidationContext& context) {
  const bool prefix = modifier.type == PathModifier::Type::kReplacePrefixMatch;
  const std::string value_path = ChildPath(path, prefix ? "replacePrefixMatch" : "replaceFullPath");
  if (!absl::StartsWith(modifier.value, "/")) {
    context.Problem(value_path, absl::StrCat("\"", modifier.value, "\" must start with '/'"));
  }
  if (!prefix) return;
  bool all_prefix = true;
  for (const HttpRouteMatch& match : matches) {
    all_prefix = all_prefix && match.path.type == PathMatchType::kPathPrefix;
  }
  if (!all_prefix) {
    context.Problem(value_path,
                    "ReplacePrefixMatch needs every match of the rule to be a PathPrefix match");
  }
}

// `http` is false for GRPCRoute, which allows header modifiers only.
void CheckFilters(const std::vector<HttpFilter>& filters, absl::string_view rule_path,
                  const std::vector<HttpRouteMatch>& matches, bool has_backends, bool http,
                  ValidationContext& context) {
  const std::string list_path = ChildPath(rule_path, "filters");
  int redirects = 0, rewrites = 0;
  for (size_t i = 0; i < filters.size(); ++i) {
    const HttpFilter& filter = filters[i];
    const std::string path = IndexPath(list_path, i);
    const int members = filter.request_header_modifier.has_value() +
                        filter.response_header_modifier.has_value() +
                        filter.request_redirect.has_value() + filter.url_rewrite.has_value();
    absl::string_view member;
    bool present = false;
    switch (filter.type) {
      case HttpFilter::Type::kRequestHeaderModifier:
        member = "requestHeaderModifier";
        present = filter.request_header_modifier.has_value();
        if (present) {
          CheckHeaderModifier(*filter.request_header_modifier, ChildPath(path, member), context);
        }
        break;
      case HttpFilter::Type::kResponseHeaderModifier:
        member = "responseHeaderModifier";
        present = filter.response_header_modifier.has_value();
        if (present) {
          CheckHeaderModifier(*filter.response_header_modifier, ChildPath(path, member), context);
        }
        break;
      case HttpFilter::Type::kRequestRedirect: {
        member = "requestRedirect";
        present = filter.request_redirect.has_value();
        ++redirects;
        if (!http) {
          context.Problem(ChildPath(path, "type"), "RequestRedirect is not supported in GRPCRoute");
        }
        if (!present) break;
        const RequestRedirect& redirect = *filter.request_redirect;
        const std::string redirect_path = ChildPath(path, member);
        if (!redirect.scheme.empty() && redirect.scheme != "http" && redirect.scheme != "https") {
          context.Problem(ChildPath(redirect_path, "scheme"),
                          absl::StrCat("\"", redirect.scheme, "\" is not http or https"));
        }
        if (redirect.port != 0) {
          context.CheckRange(ChildPath(redirect_path, "port"), redirect.port, 1, 65535, "a port");
        }
        const int32_t code = redirect.status_code;
        if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
          context.Problem(
              ChildPath(redirect_path, "statusCode"),
              absl::StrCat(code, " is not a redirect status (301, 302, 303, 307, 308)"));
        }
        if (redirect.path) {
          CheckPathModifier(*redirect.path, ChildPath(redirect_path, "path"), matches, context);
        }
        break;
      }
      case HttpFilter::Type::kUrlRewrite:
        member = "urlRewrite";
        present = filter.url_rewrite.has_value();
        ++rewrites;
        if (!http) {
          context.Problem(ChildPath(path, "type"), "URLRewrite is not supported in GRPCRoute");
        }
        if (present && filter.url_rewrite->path) {
          CheckPathModifier(*filter.url_rewrite->path, ChildPath(ChildPath(path, member), "path"),
                            matches, context);
        }
        break;
    }
    if (!present) {
      context.Problem(path, absl::StrCat("a filter of this type needs its ", member, " field"));
    } else if (members > 1) {
      context.Problem(path, absl::StrCat("sets fields of other filter types besides ", member));
    }
  }
  if (redirects > 0 && rewrites > 0) {
    context.Problem(list_path, "a rule cannot both redirect and rewrite the URL");
  }
  if (redirects > 1 || rewrites > 1) {
    context.Problem(list_path, "at most one RequestRedirect and one URLRewrite per rule");
  }
  if (redirects > 0 && has_backends) {
    context.Problem(list_path,
                    "a rule with a RequestRedirect answers itself and cannot have backendRefs");
  }
}

void CheckHttpMatch(const HttpRouteMatch& match, absl::string_view path,
                    ValidationContext& context) {
  const std::string value_path = ChildPath(ChildPath(path, "path"), "value");
  if (match.path.type == PathMatchType::kRegularExpression) {
    context.CheckRegex(value_path, match.path.value);
  } else if (!absl::StartsWith(match.path.value, "/")) {
    context.Problem(value_path, absl::StrCat("\"", match.path.value, "\" must start with '/'"));
  }
  CheckNameValueMatches(match.headers, ChildPath(path, "headers"), true, context);
  CheckNameValueMatches(match.query_params, ChildPath(path, "queryParams"), false, context);
  if (!match.method.empty()) {
    static constexpr absl::string_view kMethods[] = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    bool known = false;
    for (absl::string_view m : kMethods) known = known || m == match.method;
    if (!known) {
      context.Problem(ChildPath(path, "method"),
                      absl::StrCat("\"", match.method,
                                   "\" is not an HTTP method (GET, HEAD, "
                                   "POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)"));
    }
  }
}

void CheckNonNegative(absl::string_view path, const std::optional<absl::Duration>& d,
                      ValidationContext& context) {
  if (d && *d < absl::ZeroDuration()) {
    context.Problem(path, absl::StrCat(absl::FormatDuration(*d), " is negative"));
  }
}

}  // namespace

void ValidateHttpRoute(const HttpRoute& route, ValidationContext& context) {
  CheckParentRefs(route.parent_refs, route.meta.ns, context);
  if (route.rules.empty()) context.Problem("spec.rules", "a route needs at least one rule");
  for (size_t r = 0; r < route.rules.size(); ++r) {
    const HttpRouteRule& rule = route.rules[r];
    const std::string rule_path = IndexPath("spec.rules", r);
    for (size_t m = 0; m < rule.matches.size(); ++m) {
      CheckHttpMatch(rule.matches[m], IndexPath(ChildPath(rule_path, "matches"), m), context);
    }
    CheckFilters(rule.filters, rule_path, rule.matches, !rule.backend_refs.empty(), true, context);
    CheckBackendRefs(rule.backend_refs, rule_path, route.meta.ns, context);
    const std::string timeouts = ChildPath(rule_path, "timeouts");
    CheckNonNegative(ChildPath(timeouts, "request"), rule.timeouts.request, context);
    CheckNonNegative(ChildPath(timeouts, "backendRequest"), rule.timeouts.backend_request, context);
    if (rule.timeouts.request && rule.timeouts.backend_request &&
        *rule.timeouts.request > absl::ZeroDuration() &&
        *rule.timeouts.backend_request > *rule.timeouts.request) {
      context.Problem(ChildPath(timeouts, "backendRequest"),
                      absl::StrCat(absl::FormatDuration(*rule.timeouts.backend_request),
                                   " is longer than the request timeout (",
                                   absl::FormatDuration(*rule.timeouts.request), ")"));
    }
  }
}

void ValidateGrpcRoute(const GrpcRoute& route, ValidationContext& context) {
  CheckParentRefs(route.parent_refs, route.meta.ns, context);
  if (route.rules.empty()) context.Problem("spec.rules", "a route needs at least one rule");
  for (size_t r = 0; r < route.rules.size(); ++r) {
    const GrpcRouteRule& rule = route.rules[r];
    const std::string rule_path = IndexPath("spec.rules", r);
    for (size_t m = 0; m < rule.matches.size(); ++m) {
      const GrpcRouteMatch& match = rule.matches[m];
      const std::string path = IndexPath(ChildPath(rule_path, "matches"), m);
      if (match.method) {
        const std::string method_path = ChildPath(path, "method");
        if (match.method->service.empty() && match.method->method.empty()) {
          context.Problem(method_path, "needs a service, a method or both");
        }
        if (match.method->type == StringMatchType::kRegularExpression) {
          context.CheckRegex(ChildPath(method_path, "service"), match.method->service);
          context.CheckRegex(ChildPath(method_path, "method"), match.method->method);
        } else {
          if (absl::StrContains(match.method->service, '/')) {
            context.Problem(ChildPath(method_path, "service"), "must not contain '/'");
          }
          if (absl::StrContains(match.method->method, '/')) {
            context.Problem(ChildPath(method_path, "method"), "must not contain '/'");
          }
        }
      }
      CheckNameValueMatches(match.headers, ChildPath(path, "headers"), true, context);
    }
    CheckFilters(rule.filters, rule_path, {}, !rule.backend_refs.empty(), false, context);
    CheckBackendRefs(rule.backend_refs, rule_path, route.meta.ns, context);
  }
}

}  // namespace weft::control_plane::internal
