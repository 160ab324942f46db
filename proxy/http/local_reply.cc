#include "proxy/http/local_reply.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proxy/http/http1_encoder.h"

namespace weft::http {

bool IsGrpcRequest(const RequestHeaders& request) {
  auto type = request.headers.Get("content-type");
  return type.has_value() && absl::StartsWithIgnoreCase(*type, "application/grpc");
}

int GrpcStatusForHttpStatus(int http_status) {
  switch (http_status) {
    case 400: return 13;  // INTERNAL
    case 401: return 16;  // UNAUTHENTICATED
    case 403: return 7;   // PERMISSION_DENIED
    case 404: return 12;  // UNIMPLEMENTED
    case 429: return 8;   // RESOURCE_EXHAUSTED
    case 501: return 12;  // UNIMPLEMENTED
    case 502: return 14;  // UNAVAILABLE
    case 503: return 14;  // UNAVAILABLE
    case 504: return 4;   // DEADLINE_EXCEEDED
    default: return 2;    // UNKNOWN
  }
}

std::optional<int> GrpcStatusOf(const HeaderMap& fields) {
  auto status = fields.Get("grpc-status");
  int value;
  if (!status.has_value() || !absl::SimpleAtoi(*status, &value)) return std::nullopt;
  return value;
}

LocalReply MakeLocalReply(int status, absl::string_view reason, bool grpc) {
  LocalReply reply;
  reply.headers.headers.Add("x-weft-error", reason);
  if (grpc) {
    reply.headers.status = 200;
    reply.headers.headers.Add("content-type", "application/grpc");
    reply.headers.headers.Add("grpc-status", absl::StrCat(GrpcStatusForHttpStatus(status)));
    // Reasons are plain tokens, so no percent-encoding is needed.
    reply.headers.headers.Add("grpc-message", absl::StrCat("weft: ", reason));
    return reply;
  }
  reply.headers.status = status;
  reply.body = absl::StrCat(StatusReason(status), ": ", reason, "\n");
  reply.headers.headers.Add("content-type", "text/plain");
  reply.headers.headers.Add("content-length", absl::StrCat(reply.body.size()));
  return reply;
}

}  // namespace weft::http
