#ifndef WEFT_PROXY_LISTENER_CLIENT_HELLO_H_
#define WEFT_PROXY_LISTENER_CLIENT_HELLO_H_

// Reads the ALPN protocols a TLS ClientHello offers, from a connection's first
// bytes, without decrypting or answering anything. The inbound listener uses it
// to tell a sidecar's mTLS (which offers the marker "weft-mesh" next to its real
// protocol) from an application's own TLS on a PERMISSIVE port, which must pass
// to the app untouched.
//
//   ClientHelloAlpn hello = ParseClientHelloAlpn(buffer.view());
//   if (hello.status == ClientHelloAlpn::Status::kNeedMoreData) return;  // wait
//   bool mesh = hello.Offers("weft-mesh");
//
// Only a ClientHello in one TLS record is parsed (every client we know sends it
// so; a record holds 16 KiB); anything malformed is kNotClientHello, never a
// crash. Pure function of untrusted input (fuzzed: client_hello_fuzz).

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace weft::listener {

struct ClientHelloAlpn {
  enum class Status {
    kNeedMoreData,     // a prefix of a ClientHello record: read more
    kParsed,           // `protocols` holds what it offers (maybe none)
    kNotClientHello,   // not a (single-record, well-formed) ClientHello
  };
  Status status = Status::kNotClientHello;
  std::vector<std::string> protocols;

  bool Offers(absl::string_view protocol) const;
};

// The largest record a ClientHello may come in (2^14 plus the 5-byte header).
inline constexpr size_t kMaxClientHelloRecord = 16384 + 5;

ClientHelloAlpn ParseClientHelloAlpn(absl::string_view bytes);

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_CLIENT_HELLO_H_
