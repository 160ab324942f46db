#include "proxy/http/codec.h"

#include "absl/strings/numbers.h"

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

size_t FormatStatusCode(int status, char* buf) {
  if (status >= 100 && status <= 999) {
    buf[0] = static_cast<char>('0' + status / 100);
    buf[1] = static_cast<char>('0' + status / 10 % 10);
    buf[2] = static_cast<char>('0' + status % 10);
    return 3;
  }
  return static_cast<size_t>(absl::numbers_internal::FastIntToBuffer(status, buf) - buf);
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
