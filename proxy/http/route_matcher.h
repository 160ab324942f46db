#ifndef WEFT_PROXY_HTTP_ROUTE_MATCHER_H_
#define WEFT_PROXY_HTTP_ROUTE_MATCHER_H_

// The conditions of one route (config::RouteMatch) compiled for matching: RE2
// patterns are compiled once, here, and matching a request head does no
// allocation for path, method, exact header and query conditions.
//
// Usage:
//   RouteMatcher matcher(route.match);
//   if (matcher.Matches(RequestView::Of(request))) ...
//
// `match` must outlive the matcher (the RouteTable keeps both). Immutable after
// construction, so thread-safe. A pattern that does not compile
// (the validator rejects those) makes the condition never match.

#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "proxy/config/model.h"
#include "proxy/http/codec.h"
#include "proxy/http/header_map.h"
#include "re2/re2.h"

namespace weft::http {

// The parts of a request head routing looks at; views into the caller's strings.
struct RequestView {
  absl::string_view method;
  absl::string_view scheme;
  absl::string_view authority;
  absl::string_view path;             // with the query string, if any
  const HeaderMap* headers = nullptr;  // null: no regular fields

  static RequestView Of(const RequestHeaders& request) {
    return RequestView{request.method, request.scheme, request.authority, request.path,
                       &request.headers};
  }
};

// "/a/b?x=1" -> "/a/b"; a '#' fragment is dropped too.
absl::string_view PathWithoutQuery(absl::string_view path);
// "/a/b?x=1&y" -> "x=1&y"; empty without '?'.
absl::string_view QueryOf(absl::string_view path);

// Gateway API PathPrefix: `prefix` ("/foo" or "/foo/"; trailing '/' ignored)
// matches `path` if path is the prefix or continues it with a '/'.
bool SegmentPrefixMatches(absl::string_view prefix, absl::string_view path);

// The first value of query parameter `name` in `query`; false if absent. A
// parameter without '=' has the empty value.
bool FindQueryParam(absl::string_view query, absl::string_view name, absl::string_view* value);

class RouteMatcher {
 public:
  explicit RouteMatcher(const config::RouteMatch& match);

  bool Matches(const RequestView& request) const;

 private:
  // A header or query parameter condition; `regex` is set for kRegex.
  struct ValueCondition {
    const std::string* name;
    config::ValueMatchType type;
    const std::string* value;
    std::shared_ptr<const RE2> regex;
  };

  bool PathMatches(absl::string_view path) const;
  static bool ValueMatches(const ValueCondition& condition, absl::string_view value);

  const config::RouteMatch& match_;  // not owned; must outlive the matcher
  std::shared_ptr<const RE2> path_regex_;
  std::vector<ValueCondition> headers_;
  std::vector<ValueCondition> query_params_;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_ROUTE_MATCHER_H_
