#include "proxy/listener/client_hello.h"

#include <algorithm>
#include <cstdint>

namespace weft::listener {
namespace {

// A cursor over bytes that fails (and stays failed) instead of reading past the end.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t left() const { return data_.size(); }

  uint32_t Uint(size_t width) {
    if (!ok_ || data_.size() < width) return Fail();
    uint32_t v = 0;
    for (size_t i = 0; i < width; ++i) v = v << 8 | static_cast<uint8_t>(data_[i]);
    data_.remove_prefix(width);
    return v;
  }
  absl::string_view Bytes(size_t n) {
    if (!ok_ || data_.size() < n) {
      Fail();
      return {};
    }
    absl::string_view out = data_.substr(0, n);
    data_.remove_prefix(n);
    return out;
  }
  // A vector with a `width`-byte length prefix.
  absl::string_view Vector(size_t width) { return Bytes(Uint(width)); }

 private:
  uint32_t Fail() {
    ok_ = false;
    data_ = {};
    return 0;
  }
  absl::string_view data_;
  bool ok_ = true;
};

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHello = 1;
constexpr uint16_t kAlpnExtension = 16;

}  // namespace

bool ClientHelloAlpn::Offers(absl::string_view protocol) const {
  return std::find(protocols.begin(), protocols.end(), protocol) != protocols.end();
}

ClientHelloAlpn ParseClientHelloAlpn(absl::string_view bytes) {
  ClientHelloAlpn out;
  Reader record(bytes);
  const uint32_t type = record.Uint(1);
  const uint32_t major = record.Uint(1);
  record.Uint(1);  // minor
  const uint32_t length = record.Uint(2);
  if (!record.ok()) {
    // Too short for a header: a prefix unless what is there already disagrees.
    const bool prefix = (bytes.empty() || static_cast<uint8_t>(bytes[0]) == kHandshakeRecord) &&
                        (bytes.size() < 2 || static_cast<uint8_t>(bytes[1]) == 3);
    out.status = prefix ? ClientHelloAlpn::Status::kNeedMoreData
                        : ClientHelloAlpn::Status::kNotClientHello;
    return out;
  }
  if (type != kHandshakeRecord || major != 3 || length == 0 || length > 16384) return out;
  if (record.left() < length) {
    out.status = ClientHelloAlpn::Status::kNeedMoreData;
    return out;
  }
  Reader handshake(record.Bytes(length));
  if (handshake.Uint(1) != kClientHello) return out;
  const uint32_t hello_length = handshake.Uint(3);
  if (!handshake.ok() || hello_length > handshake.left()) return out;  // spans records
  Reader hello(handshake.Bytes(hello_length));
  hello.Uint(2);       // legacy_version
  hello.Bytes(32);     // random
  hello.Vector(1);     // legacy_session_id
  hello.Vector(2);     // cipher_suites
  hello.Vector(1);     // legacy_compression_methods
  if (!hello.ok()) return out;
  out.status = ClientHelloAlpn::Status::kParsed;
  if (hello.left() == 0) return out;  // no extensions at all
  Reader extensions(hello.Vector(2));
  while (extensions.ok() && extensions.left() > 0) {
    const uint32_t ext_type = extensions.Uint(2);
    absl::string_view body = extensions.Vector(2);
    if (!extensions.ok() || ext_type != kAlpnExtension) continue;
    Reader alpn(body);
    Reader names(alpn.Vector(2));
    while (names.ok() && names.left() > 0) {
      absl::string_view name = names.Vector(1);
      if (names.ok() && !name.empty()) out.protocols.emplace_back(name);
    }
    if (!names.ok() || !alpn.ok()) {
      out.protocols.clear();
      out.status = ClientHelloAlpn::Status::kNotClientHello;
      return out;
    }
  }
  if (!extensions.ok()) {
    out.protocols.clear();
    out.status = ClientHelloAlpn::Status::kNotClientHello;
  }
  return out;
}

}  // namespace weft::listener
