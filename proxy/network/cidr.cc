#include "proxy/network/cidr.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::network {

absl::StatusOr<Cidr> Cidr::Parse(absl::string_view text) {
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a valid CIDR (", why, ")"));
  };
  std::pair<std::string, std::string> parts =
      absl::StrSplit(text, absl::MaxSplits('/', 1));
  const bool has_prefix = text.find('/') != absl::string_view::npos;

  Cidr cidr;
  if (inet_pton(AF_INET, parts.first.c_str(), cidr.bytes_.data()) == 1) {
    cidr.family_ = IpFamily::kIpv4;
  } else if (inet_pton(AF_INET6, parts.first.c_str(), cidr.bytes_.data()) ==
             1) {
    cidr.family_ = IpFamily::kIpv6;
  } else {
    return invalid("bad address");
  }
  const int max_prefix = cidr.family_ == IpFamily::kIpv4 ? 32 : 128;
  cidr.prefix_length_ = max_prefix;
  if (has_prefix) {
    int prefix = -1;
    const bool all_digits =
        std::all_of(parts.second.begin(), parts.second.end(),
                    [](char c) { return absl::ascii_isdigit(c); });
    if (parts.second.empty() || parts.second.size() > 3 || !all_digits ||
        !absl::SimpleAtoi(parts.second, &prefix) || prefix < 0 ||
        prefix > max_prefix) {
      return invalid(absl::StrCat("prefix length must be 0-", max_prefix));
    }
    cidr.prefix_length_ = prefix;
  }
  // Clear host bits so the text matches what iptables-save prints back.
  const int byte_count = max_prefix / 8;
  for (int i = 0; i < byte_count; ++i) {
    const int bits_kept = cidr.prefix_length_ - i * 8;
    if (bits_kept >= 8) continue;
    const uint8_t mask =
        bits_kept <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits_kept));
    cidr.bytes_[i] &= mask;
  }
  return cidr;
}

bool Cidr::Contains(const Address& address) const {
  const uint8_t* bytes;
  if (address.family() == AF_INET && family_ == IpFamily::kIpv4) {
    bytes = reinterpret_cast<const uint8_t*>(
        &reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr())->sin_addr);
  } else if (address.family() == AF_INET6 && family_ == IpFamily::kIpv6) {
    bytes = reinterpret_cast<const sockaddr_in6*>(address.sockaddr_ptr())->sin6_addr.s6_addr;
  } else {
    return false;
  }
  const int full = prefix_length_ / 8;
  for (int i = 0; i < full; ++i) {
    if (bytes[i] != bytes_[i]) return false;
  }
  const int rest = prefix_length_ % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == bytes_[full];
}

std::string Cidr::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_ == IpFamily::kIpv4 ? AF_INET : AF_INET6, bytes_.data(),
            buffer, sizeof(buffer));
  return absl::StrCat(buffer, "/", prefix_length_);
}

}  // namespace weft::network
