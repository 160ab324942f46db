#ifndef WEFT_PROXY_HTTP_LOCAL_REPLY_H_
#define WEFT_PROXY_HTTP_LOCAL_REPLY_H_

// The responses the proxy makes itself (no route, no endpoint, timeout...).
// Every one names its reason in `x-weft-error`. A gRPC client cannot read an
// HTTP error status, so gRPC requests get a "trailers-only" gRPC response
// instead: HTTP 200 with grpc-status and grpc-message, in one HEADERS frame.
//
// Stateless functions.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "proxy/http/codec.h"

namespace weft::http {

// True for content-type application/grpc and its variants (+proto, +json...).
bool IsGrpcRequest(const RequestHeaders& request);

// The gRPC status code for a proxy error: 504 -> DEADLINE_EXCEEDED, 502/503 ->
// UNAVAILABLE, 404/501 -> UNIMPLEMENTED, 403 -> PERMISSION_DENIED, 401 ->
// UNAUTHENTICATED, 429 -> RESOURCE_EXHAUSTED, 400 -> INTERNAL, else UNKNOWN.
int GrpcStatusForHttpStatus(int http_status);

// The grpc-status of a header or trailer block, if it has a valid one.
std::optional<int> GrpcStatusOf(const HeaderMap& fields);

struct LocalReply {
  ResponseHeaders headers;
  std::string body;  // empty for gRPC (the status is in the headers)
};
LocalReply MakeLocalReply(int status, absl::string_view reason, bool grpc);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_LOCAL_REPLY_H_
