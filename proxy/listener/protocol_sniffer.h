#ifndef WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_
#define WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_

#include "absl/strings/string_view.h"

namespace weft::listener {

enum class SniffResult {
  kNeedMoreData,  // the bytes so far are a prefix of an HTTP/1 request line
  kHttp1,
  kOpaque,
};

// Looks at a client's first bytes: an HTTP/1.x request starts with a known
// method and a space; anything else is carried as opaque TCP. Pure function.
SniffResult SniffProtocol(absl::string_view first_bytes);

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_
