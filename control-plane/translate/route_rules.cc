#include "control-plane/translate/route_rules.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace weft::control_plane {
namespace {

using envoy::config::route::v3::HeaderMatcher;
using envoy::config::route::v3::RouteMatch;

// Sort key; smaller sorts first.
struct Precedence {
  int path_kind = 2;  // 0 exact, 1 regex, 2 prefix
  size_t path_length = 0;
  bool method = false;
  size_t headers = 0;
  size_t query_params = 0;

  auto Key() const {
    return std::make_tuple(path_kind, -static_cast<int64_t>(path_length), !method,
                           -static_cast<int64_t>(headers), -static_cast<int64_t>(query_params));
  }
};

struct Candidate {
  RouteEntry entry;
  Precedence precedence;
};

template <typename Route>
bool AppliesTo(const Route& route, const Service& service, const ServicePort& port) {
  for (const ParentRef& parent : route.parent_refs) {
    if (ResolveRef(parent.ns, parent.name, route.meta.ns) != service.meta.key()) continue;
    if (parent.port != 0 && parent.port != port.port) continue;
    if (!parent.section_name.empty() && parent.section_name != port.name) continue;
    return true;
  }
  return false;
}

void SetStringMatch(const NameValueMatch& match,
                    envoy::type::matcher::v3::StringMatcher* string_match) {
  if (match.type == StringMatchType::kRegularExpression) {
    string_match->mutable_safe_regex()->set_regex(match.value);
  } else {
    string_match->set_exact(match.value);
  }
}

void AddHeaderMatches(const std::vector<NameValueMatch>& headers, RouteMatch& match) {
  for (const NameValueMatch& header : headers) {
    HeaderMatcher* matcher = match.add_headers();
    // HTTP/2 and gRPC header names are lower case; the Gateway API compares
    // names case-insensitively.
    matcher->set_name(absl::AsciiStrToLower(header.name));
    SetStringMatch(header, matcher->mutable_string_match());
  }
}

Candidate FromHttpMatch(const HttpRoute& route, size_t rule_index, const HttpRouteRule& rule,
                        size_t match_index, const HttpRouteMatch& http) {
  Candidate c;
  c.entry.name = absl::StrCat("httproute/", route.meta.ns, "/", route.meta.name, "/", rule_index,
                              "/", match_index);
  c.entry.route_ns = route.meta.ns;
  c.entry.filters = &rule.filters;
  c.entry.backend_refs = &rule.backend_refs;
  c.entry.timeouts = &rule.timeouts;
  RouteMatch& match = c.entry.match;
  switch (http.path.type) {
    case PathMatchType::kExact:
      match.set_path(http.path.value);
      c.precedence.path_kind = 0;
      break;
    case PathMatchType::kRegularExpression:
      match.mutable_safe_regex()->set_regex(http.path.value);
      c.precedence.path_kind = 1;
      break;
    case PathMatchType::kPathPrefix:
      match.set_prefix(http.path.value);
      c.precedence.path_kind = 2;
      break;
  }
  c.precedence.path_length = http.path.value.size();
  AddHeaderMatches(http.headers, match);
  if (!http.method.empty()) {
    HeaderMatcher* method = match.add_headers();
    method->set_name(":method");
    method->mutable_string_match()->set_exact(http.method);
    c.precedence.method = true;
  }
  for (const NameValueMatch& param : http.query_params) {
    auto* matcher = match.add_query_parameters();
    matcher->set_name(param.name);
    SetStringMatch(param, matcher->mutable_string_match());
  }
  c.precedence.headers = http.headers.size();
  c.precedence.query_params = http.query_params.size();
  c.entry.matches_everything = http.path.type == PathMatchType::kPathPrefix &&
                               http.path.value == "/" && http.headers.empty() &&
                               http.method.empty() && http.query_params.empty();
  return c;
}

// Sets the path match for a gRPC method match; returns the precedence's path part.
void SetGrpcPath(const GrpcMethodMatch& method, Candidate& c) {
  RouteMatch& match = c.entry.match;
  std::string path;
  if (method.type == StringMatchType::kExact && !method.service.empty() && !method.method.empty()) {
    path = absl::StrCat("/", method.service, "/", method.method);
    match.set_path(path);
    c.precedence.path_kind = 0;
  } else if (method.type == StringMatchType::kExact && method.method.empty()) {
    path = method.service.empty() ? "/" : absl::StrCat("/", method.service, "/");
    match.set_prefix(path);
    c.precedence.path_kind = 2;
  } else {
    const bool exact = method.type == StringMatchType::kExact;
    auto part = [exact](const std::string& value) {
      if (value.empty()) return std::string("[^/]+");
      return exact ? RE2::QuoteMeta(value) : value;
    };
    path = absl::StrCat("/", part(method.service), "/", part(method.method));
    match.mutable_safe_regex()->set_regex(path);
    c.precedence.path_kind = 1;
  }
  c.precedence.path_length = path.size();
}

Candidate FromGrpcMatch(const GrpcRoute& route, size_t rule_index, const GrpcRouteRule& rule,
                        size_t match_index, const GrpcRouteMatch* grpc) {
  Candidate c;
  c.entry.name = absl::StrCat("grpcroute/", route.meta.ns, "/", route.meta.name, "/", rule_index,
                              "/", match_index);
  c.entry.route_ns = route.meta.ns;
  c.entry.filters = &rule.filters;
  c.entry.backend_refs = &rule.backend_refs;
  if (grpc != nullptr && grpc->method) {
    SetGrpcPath(*grpc->method, c);
  } else {
    c.entry.match.set_prefix("/");
    c.precedence.path_length = 1;
  }
  if (grpc != nullptr) {
    AddHeaderMatches(grpc->headers, c.entry.match);
    c.precedence.headers = grpc->headers.size();
  }
  c.entry.matches_everything = c.entry.match.has_prefix() && c.entry.match.prefix() == "/" &&
                               c.entry.match.headers_size() == 0;
  return c;
}

}  // namespace

std::vector<RouteEntry> CollectRouteEntries(const Model& model, const Service& service,
                                            const ServicePort& port) {
  std::vector<Candidate> candidates;
  for (const GrpcRoute* route : model.GrpcRoutesFor(service.meta.key())) {
    if (!AppliesTo(*route, service, port)) continue;
    for (size_t r = 0; r < route->rules.size(); ++r) {
      const GrpcRouteRule& rule = route->rules[r];
      if (rule.matches.empty()) {
        candidates.push_back(FromGrpcMatch(*route, r, rule, 0, nullptr));
      }
      for (size_t m = 0; m < rule.matches.size(); ++m) {
        candidates.push_back(FromGrpcMatch(*route, r, rule, m, &rule.matches[m]));
      }
    }
  }
  for (const HttpRoute* route : model.HttpRoutesFor(service.meta.key())) {
    if (!AppliesTo(*route, service, port)) continue;
    for (size_t r = 0; r < route->rules.size(); ++r) {
      const HttpRouteRule& rule = route->rules[r];
      if (rule.matches.empty()) {  // the Gateway API default: PathPrefix "/"
        candidates.push_back(FromHttpMatch(*route, r, rule, 0, HttpRouteMatch{}));
      }
      for (size_t m = 0; m < rule.matches.size(); ++m) {
        candidates.push_back(FromHttpMatch(*route, r, rule, m, rule.matches[m]));
      }
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return a.precedence.Key() < b.precedence.Key();
                   });
  std::vector<RouteEntry> entries;
  entries.reserve(candidates.size());
  for (Candidate& c : candidates) entries.push_back(std::move(c.entry));
  return entries;
}

}  // namespace weft::control_plane
