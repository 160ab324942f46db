#ifndef WEFT_PROXY_NETWORK_ADDRESS_H_
#define WEFT_PROXY_NETWORK_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::network {

// An IPv4 or IPv6 socket address. A value type; cheap to copy.
class Address {
 public:
  Address() = default;
  static absl::StatusOr<Address> FromIpPort(absl::string_view ip, uint16_t port);
  static Address FromSockaddr(const sockaddr* sa, socklen_t len);

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  int family() const { return storage_.ss_family; }
  bool valid() const { return length_ != 0; }
  uint16_t port() const;
  std::string ip() const;
  // "10.0.0.1:80" or "[fd00::1]:80".
  std::string ToString() const;

  friend bool operator==(const Address& a, const Address& b);

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_ADDRESS_H_
