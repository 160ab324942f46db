// libFuzzer target: arbitrary first bytes of a connection into the ClientHello
// ALPN reader; every prefix of an input must give a consistent answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "proxy/listener/client_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const weft::listener::ClientHelloAlpn whole = weft::listener::ParseClientHelloAlpn(input);
  if (whole.status == weft::listener::ClientHelloAlpn::Status::kParsed) {
    for (const std::string& p : whole.protocols) {
      if (p.empty() || p.size() > 255) std::abort();
    }
  } else if (!whole.protocols.empty()) {
    std::abort();
  }
  // A ClientHello is decided by its record: bytes after it change nothing.
  if (whole.status == weft::listener::ClientHelloAlpn::Status::kParsed && size > 0) {
    std::string longer(input);
    longer += "trailing";
    if (weft::listener::ParseClientHelloAlpn(longer).protocols != whole.protocols) std::abort();
  }
  return 0;
}
