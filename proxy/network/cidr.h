#ifndef WEFT_PROXY_NETWORK_CIDR_H_
#define WEFT_PROXY_NETWORK_CIDR_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proxy/network/address.h"

namespace weft::network {

enum class IpFamily { kIpv4, kIpv6 };

// An IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", held in the
// canonical form iptables-save prints: host bits are cleared, so "10.1.2.3/8"
// becomes "10.0.0.0/8" and a bare address gets its full prefix ("/32", "/128").
//
//   absl::StatusOr<Cidr> cidr = Cidr::Parse("10.96.0.0/12");
//   cidr->ToString();  // "10.96.0.0/12"
//
// A plain value type; no I/O.
class Cidr {
 public:
  // Returns kInvalidArgument naming `text` when it is not an address or network.
  static absl::StatusOr<Cidr> Parse(absl::string_view text);

  IpFamily family() const { return family_; }
  // True when `address` (same family) lies inside this network.
  bool Contains(const Address& address) const;
  int prefix_length() const { return prefix_length_; }
  std::string ToString() const;

 private:
  Cidr() = default;

  IpFamily family_ = IpFamily::kIpv4;
  std::array<uint8_t, 16> bytes_{};  // Only the first 4 are used for IPv4.
  int prefix_length_ = 0;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_CIDR_H_
