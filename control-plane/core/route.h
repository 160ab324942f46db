#ifndef WEFT_CONTROL_PLANE_CORE_ROUTE_H_
#define WEFT_CONTROL_PLANE_CORE_ROUTE_H_

// Gateway API routes attached to a Service (GAMMA: parentRefs of kind Service),
// reduced to the fields the mesh implements. Field names follow the Gateway API
// (gateway.networking.k8s.io/v1) so its documentation applies; defaults are the
// API's defaults, applied by the source that reads a route.
//
// Value types, thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "control-plane/core/object_meta.h"

namespace weft::control_plane {

// A reference to a route's parent. Only kind Service (group "" or "core") is
// supported; `port`, when set, attaches the route to that service port only.
struct ParentRef {
  std::string group;
  std::string kind = "Service";
  std::string ns;  // empty: the route's namespace
  std::string name;
  int32_t port = 0;  // 0: every port of the service
  std::string section_name;
};

// A backend: a Service port with a relative weight (0 takes no traffic).
struct BackendRef {
  std::string group;
  std::string kind = "Service";
  std::string ns;  // empty: the route's namespace
  std::string name;
  int32_t port = 0;  // required for Services
  int32_t weight = 1;
};

enum class PathMatchType { kExact, kPathPrefix, kRegularExpression };
enum class StringMatchType { kExact, kRegularExpression };

struct PathMatch {
  PathMatchType type = PathMatchType::kPathPrefix;
  std::string value = "/";
};

// A header or query parameter match.
struct NameValueMatch {
  StringMatchType type = StringMatchType::kExact;
  std::string name;
  std::string value;
};

struct HttpRouteMatch {
  PathMatch path;  // default: PathPrefix "/"
  std::vector<NameValueMatch> headers;
  std::vector<NameValueMatch> query_params;
  std::string method;  // empty: any
};

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HeaderModifier {
  std::vector<HttpHeader> set;
  std::vector<HttpHeader> add;
  std::vector<std::string> remove;
};

struct PathModifier {
  enum class Type { kReplaceFullPath, kReplacePrefixMatch };
  Type type = Type::kReplaceFullPath;
  std::string value;  // replaceFullPath or replacePrefixMatch, per type
};

struct RequestRedirect {
  std::string scheme;    // empty: unchanged
  std::string hostname;  // empty: unchanged
  std::optional<PathModifier> path;
  int32_t port = 0;  // 0: unchanged
  int32_t status_code = 302;
};

struct UrlRewrite {
  std::string hostname;  // empty: unchanged
  std::optional<PathModifier> path;
};

// One filter. `type` says which member is set, as in the Gateway API; BuildModel
// reports a filter whose member is missing or that sets another one.
struct HttpFilter {
  enum class Type {
    kRequestHeaderModifier,
    kResponseHeaderModifier,
    kRequestRedirect,
    kUrlRewrite
  };
  Type type = Type::kRequestHeaderModifier;
  std::optional<HeaderModifier> request_header_modifier;
  std::optional<HeaderModifier> response_header_modifier;
  std::optional<RequestRedirect> request_redirect;
  std::optional<UrlRewrite> url_rewrite;
};

struct HttpRouteTimeouts {
  std::optional<absl::Duration> request;          // whole request, retries included
  std::optional<absl::Duration> backend_request;  // one attempt
};

struct HttpRouteRule {
  std::string name;                     // optional (Gateway API 1.2 rule names)
  std::vector<HttpRouteMatch> matches;  // default: one PathPrefix "/" match
  std::vector<HttpFilter> filters;
  std::vector<BackendRef> backend_refs;  // empty (and no redirect): 500 in the Gateway API
  HttpRouteTimeouts timeouts;
};

struct HttpRoute {
  ObjectMeta meta;
  std::vector<ParentRef> parent_refs;
  std::vector<std::string> hostnames;
  std::vector<HttpRouteRule> rules;
};

// gRPC method match; empty service or method matches any.
struct GrpcMethodMatch {
  StringMatchType type = StringMatchType::kExact;
  std::string service;  // "helloworld.Greeter"
  std::string method;   // "SayHello"
};

struct GrpcRouteMatch {
  std::optional<GrpcMethodMatch> method;
  std::vector<NameValueMatch> headers;
};

struct GrpcRouteRule {
  std::string name;
  std::vector<GrpcRouteMatch> matches;  // empty: every request
  std::vector<HttpFilter> filters;      // header modifiers only
  std::vector<BackendRef> backend_refs;
};

struct GrpcRoute {
  ObjectMeta meta;
  std::vector<ParentRef> parent_refs;
  std::vector<std::string> hostnames;
  std::vector<GrpcRouteRule> rules;
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_ROUTE_H_
