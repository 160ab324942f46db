#ifndef WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_
#define WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_

#include "absl/strings/string_view.h"

namespace weft::listener {

enum class SniffResult {
  kNeedMoreData,  // the bytes so far are a prefix of something recognisable
  kHttp1,         // an HTTP/1.x request line: a known method and a space
  kHttp2,         // the HTTP/2 client connection preface (h2c, prior knowledge)
  kTls,           // a TLS ClientHello record
  kOpaque,        // anything else: carried as opaque TCP
};

// Looks at a client's first bytes. Pure function.
SniffResult SniffProtocol(absl::string_view first_bytes);

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_PROTOCOL_SNIFFER_H_
