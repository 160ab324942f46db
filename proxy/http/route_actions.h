#ifndef WEFT_PROXY_HTTP_ROUTE_ACTIONS_H_
#define WEFT_PROXY_HTTP_ROUTE_ACTIONS_H_

// What a matched route does to a request besides picking its cluster: header
// changes, host and path rewrites (forwarding routes), and the local response of
// redirect and direct-response routes.
//
// Usage (the stream, after RouteTable::Match):
//   if (route->forwards()) {
//     ApplyRequestMutations(*route, request);   // then forward upstream
//     ... ApplyResponseMutations(*route, response) before encoding the response
//   } else {
//     LocalResponse local = MakeLocalResponse(*route, request);  // and send it
//   }
//
// Stateless functions; thread-compatible on their arguments.

#include <string>

#include "absl/strings/string_view.h"
#include "proxy/config/model.h"
#include "proxy/http/codec.h"

namespace weft::http {

// Request header changes, then host_rewrite (the authority), then the path
// rewrite (prefix_rewrite or path_rewrite; the query string is kept).
void ApplyRequestMutations(const config::Route& route, RequestHeaders& request);

// The route's response header changes.
void ApplyResponseMutations(const config::Route& route, ResponseHeaders& response);

// A response the proxy makes itself. Framing (content-length) is the codec's.
struct LocalResponse {
  ResponseHeaders headers;
  std::string body;
};

// For a route with `redirect` (status and location) or `direct_response`
// (status, and the body as text/plain), with the route's response header
// changes already applied. `request` is the request as received. Must not be
// called for a forwarding route (answers 500 then).
LocalResponse MakeLocalResponse(const config::Route& route, const RequestHeaders& request);

// `path` (no query) with the part `match` matched replaced by `replacement`:
// for a Gateway prefix whole segments ("/foo" -> "/bar": "/foo/x" -> "/bar/x",
// replacement "/": "/foo/x" -> "/x"), for a string prefix the characters, for
// an exact path the whole path. Other match kinds return `path` unchanged.
std::string ReplaceMatchedPrefix(const config::RouteMatch& match, absl::string_view path,
                                 absl::string_view replacement);

// The Location of a redirect. Empty parts of `redirect` keep the request's;
// no port is written for http:80 and https:443, nor when only the scheme
// changes (the new scheme's default port).
std::string RedirectLocation(const config::RedirectAction& redirect,
                             const config::RouteMatch& match, const RequestHeaders& request);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_ROUTE_ACTIONS_H_
