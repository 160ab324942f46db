#include "proxy/http/route_actions.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proxy/http/header_mutation.h"
#include "proxy/http/route_matcher.h"

namespace weft::http {
namespace {

// "host:port", "[v6]:port", "host" -> host and port (0 when absent or invalid).
void SplitAuthority(absl::string_view authority, absl::string_view* host, uint32_t* port) {
  *host = authority;
  *port = 0;
  const size_t colon = authority.rfind(':');
  if (colon == absl::string_view::npos) return;
  if (authority.find(']', colon) != absl::string_view::npos) return;  // "[::1]" alone
  if (authority[0] != '[' && authority.find(':') != colon) return;    // a bare IPv6 literal
  uint32_t parsed = 0;
  if (absl::SimpleAtoi(authority.substr(colon + 1), &parsed) && parsed <= 65535) *port = parsed;
  *host = authority.substr(0, colon);
}

}  // namespace

std::string ReplaceMatchedPrefix(const config::RouteMatch& match, absl::string_view path,
                                 absl::string_view replacement) {
  switch (match.path_type) {
    case config::PathMatchType::kExact:
      return std::string(replacement);
    case config::PathMatchType::kStringPrefix:
      if (!absl::StartsWith(path, match.path_prefix)) return std::string(path);
      return absl::StrCat(replacement, path.substr(match.path_prefix.size()));
    case config::PathMatchType::kPrefix: {
      absl::string_view prefix = match.path_prefix;
      while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
      if (!SegmentPrefixMatches(match.path_prefix, path)) return std::string(path);
      absl::string_view rest = path.substr(prefix.size());  // "" or "/..."
      if (absl::EndsWith(replacement, "/") && absl::StartsWith(rest, "/")) {
        rest.remove_prefix(1);
      }
      std::string out = absl::StrCat(replacement, rest);
      if (out.empty()) out = "/";
      return out;
    }
    case config::PathMatchType::kRegex:
      break;
  }
  return std::string(path);
}

void ApplyRequestMutations(const config::Route& route, RequestHeaders& request) {
  ApplyHeaderMutation(route.request_headers, request.headers);
  if (!route.host_rewrite.empty()) request.authority = route.host_rewrite;
  if (route.prefix_rewrite.empty() && route.path_rewrite.empty()) return;
  const absl::string_view path = PathWithoutQuery(request.path);
  const absl::string_view query = absl::string_view(request.path).substr(path.size());
  std::string rewritten = route.path_rewrite.empty()
                              ? ReplaceMatchedPrefix(route.match, path, route.prefix_rewrite)
                              : route.path_rewrite;
  rewritten.append(query.data(), query.size());
  request.path = std::move(rewritten);
}

void ApplyResponseMutations(const config::Route& route, ResponseHeaders& response) {
  ApplyHeaderMutation(route.response_headers, response.headers);
}

std::string RedirectLocation(const config::RedirectAction& redirect,
                             const config::RouteMatch& match, const RequestHeaders& request) {
  absl::string_view request_host;
  uint32_t request_port = 0;
  SplitAuthority(request.authority, &request_host, &request_port);

  // Every branch a string_view: a mixed ternary would make a temporary string.
  absl::string_view scheme = "http";
  if (!redirect.scheme.empty()) {
    scheme = redirect.scheme;
  } else if (!request.scheme.empty()) {
    scheme = request.scheme;
  }
  const absl::string_view host =
      redirect.host.empty() ? request_host : absl::string_view(redirect.host);
  uint32_t port = redirect.port;
  if (port == 0 && redirect.scheme.empty()) port = request_port;
  if ((port == 80 && scheme == "http") || (port == 443 && scheme == "https")) port = 0;

  const absl::string_view path = PathWithoutQuery(request.path);
  std::string new_path = !redirect.path.empty()             ? redirect.path
                         : !redirect.prefix_rewrite.empty() ? ReplaceMatchedPrefix(
                                                                  match, path,
                                                                  redirect.prefix_rewrite)
                                                            : std::string(path);
  if (new_path.empty()) new_path = "/";
  std::string location = absl::StrCat(scheme, "://", host);
  if (port != 0) absl::StrAppend(&location, ":", port);
  absl::StrAppend(&location, new_path);
  const absl::string_view query = QueryOf(request.path);
  if (!redirect.strip_query && !query.empty() &&
      new_path.find('?') == std::string::npos) {
    absl::StrAppend(&location, "?", query);
  }
  return location;
}

LocalResponse MakeLocalResponse(const config::Route& route, const RequestHeaders& request) {
  LocalResponse out;
  if (route.redirect.has_value()) {
    out.headers.status = route.redirect->status;
    out.headers.headers.Add("location", RedirectLocation(*route.redirect, route.match, request));
  } else if (route.direct_response.has_value()) {
    out.headers.status = route.direct_response->status;
    out.body = route.direct_response->body;
    if (!out.body.empty()) out.headers.headers.Add("content-type", "text/plain");
  } else {
    out.headers.status = 500;  // a forwarding route has no local response
  }
  ApplyResponseMutations(route, out.headers);
  return out;
}

}  // namespace weft::http
