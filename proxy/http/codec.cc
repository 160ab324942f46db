#include "proxy/http/codec.h"

namespace weft::http {

void RequestHeaders::Clear() {
  method.clear();
  scheme = "http";
  authority.clear();
  path.clear();
  headers.Clear();
  upgrade.clear();
}

void ResponseHeaders::Clear() {
  status = 0;
  headers.Clear();
}

absl::string_view StreamResetReasonName(StreamResetReason reason) {
  switch (reason) {
    case StreamResetReason::kLocalReset:
      return "local_reset";
    case StreamResetReason::kRemoteReset:
      return "remote_reset";
    case StreamResetReason::kRemoteRefused:
      return "remote_refused";
    case StreamResetReason::kConnectionFailure:
      return "connection_failure";
    case StreamResetReason::kConnectionTermination:
      return "connection_termination";
    case StreamResetReason::kProtocolError:
      return "protocol_error";
    case StreamResetReason::kOverflow:
      return "overflow";
  }
  return "unknown";
}

}  // namespace weft::http
