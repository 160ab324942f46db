#include "proxy/http/route_matcher.h"

#include "absl/strings/match.h"

namespace weft::http {
namespace {

std::shared_ptr<const RE2> Compile(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  return re->ok() ? re : nullptr;
}

// The value of a header condition's field in `request`: pseudo-header names
// address the request head's parts, "host" its authority.
bool HeaderValue(const RequestView& request, absl::string_view name, absl::string_view* value) {
  if (!name.empty() && name[0] == ':') {
    if (absl::EqualsIgnoreCase(name, ":method")) {
      *value = request.method;
    } else if (absl::EqualsIgnoreCase(name, ":authority")) {
      *value = request.authority;
    } else if (absl::EqualsIgnoreCase(name, ":path")) {
      *value = request.path;
    } else if (absl::EqualsIgnoreCase(name, ":scheme")) {
      *value = request.scheme;
    } else {
      return false;
    }
    return true;
  }
  if (absl::EqualsIgnoreCase(name, "host")) {
    *value = request.authority;
    return !request.authority.empty();
  }
  if (request.headers == nullptr) return false;
  absl::optional<absl::string_view> found = request.headers->Get(name);
  if (!found.has_value()) return false;
  *value = *found;
  return true;
}

}  // namespace

absl::string_view PathWithoutQuery(absl::string_view path) {
  const size_t end = path.find_first_of("?#");
  return end == absl::string_view::npos ? path : path.substr(0, end);
}

absl::string_view QueryOf(absl::string_view path) {
  const size_t q = path.find('?');
  if (q == absl::string_view::npos) return absl::string_view();
  absl::string_view query = path.substr(q + 1);
  const size_t hash = query.find('#');
  return hash == absl::string_view::npos ? query : query.substr(0, hash);
}

bool SegmentPrefixMatches(absl::string_view prefix, absl::string_view path) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return absl::StartsWith(path, "/");  // "/" matches every path
  if (!absl::StartsWith(path, prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool FindQueryParam(absl::string_view query, absl::string_view name, absl::string_view* value) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    absl::string_view pair = query.substr(0, amp);
    query = amp == absl::string_view::npos ? absl::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    const absl::string_view key = pair.substr(0, eq);
    if (key != name) continue;
    *value = eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1);
    return true;
  }
  return false;
}

RouteMatcher::RouteMatcher(const config::RouteMatch& match) : match_(match) {
  if (match.path_type == config::PathMatchType::kRegex) path_regex_ = Compile(match.path);
  for (const config::HeaderMatch& h : match.headers) {
    headers_.push_back(ValueCondition{&h.name, h.type, &h.value,
                                      h.type == config::ValueMatchType::kRegex ? Compile(h.value)
                                                                               : nullptr});
  }
  for (const config::QueryParamMatch& q : match.query_params) {
    query_params_.push_back(
        ValueCondition{&q.name, q.type, &q.value,
                       q.type == config::ValueMatchType::kRegex ? Compile(q.value) : nullptr});
  }
}

bool RouteMatcher::PathMatches(absl::string_view path) const {
  switch (match_.path_type) {
    case config::PathMatchType::kPrefix:
      return SegmentPrefixMatches(match_.path_prefix, path);
    case config::PathMatchType::kStringPrefix:
      return absl::StartsWith(path, match_.path_prefix);
    case config::PathMatchType::kExact:
      return path == match_.path;
    case config::PathMatchType::kRegex:
      return path_regex_ != nullptr && RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *path_regex_);
  }
  return false;
}

bool RouteMatcher::ValueMatches(const ValueCondition& condition, absl::string_view value) {
  switch (condition.type) {
    case config::ValueMatchType::kPresent:
      return true;
    case config::ValueMatchType::kExact:
      return value == *condition.value;
    case config::ValueMatchType::kRegex:
      return condition.regex != nullptr && RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *condition.regex);
  }
  return false;
}

bool RouteMatcher::Matches(const RequestView& request) const {
  if (!PathMatches(PathWithoutQuery(request.path))) return false;
  if (!match_.method.empty() && request.method != match_.method) return false;
  for (const ValueCondition& condition : headers_) {
    absl::string_view value;
    if (!HeaderValue(request, *condition.name, &value)) return false;
    if (!ValueMatches(condition, value)) return false;
  }
  if (!query_params_.empty()) {
    const absl::string_view query = QueryOf(request.path);
    for (const ValueCondition& condition : query_params_) {
      absl::string_view value;
      if (!FindQueryParam(query, *condition.name, &value)) return false;
      if (!ValueMatches(condition, value)) return false;
    }
  }
  return true;
}

}  // namespace weft::http
