#ifndef WEFT_PROXY_INIT_OPTIONS_H_
#define WEFT_PROXY_INIT_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proxy/init/backend.h"
#include "proxy/network/cidr.h"

namespace weft::mesh_init {

using network::Cidr;
using network::IpFamily;

// What traffic to capture, already validated. Pure data: the rule renderer
// turns it into iptables-restore text.
struct CaptureOptions {
  uint32_t proxy_uid = 1337;
  uint32_t proxy_gid = 1337;
  uint16_t outbound_port = 15001;
  uint16_t inbound_port = 15006;
  std::vector<uint16_t> exclude_inbound_ports;
  // true: capture every inbound port except the excluded ones ("*").
  // false: capture only include_inbound_ports (none when it is empty).
  bool capture_all_inbound = true;
  std::vector<uint16_t> include_inbound_ports;
  std::vector<uint16_t> exclude_outbound_ports;
  std::vector<Cidr> exclude_outbound_cidrs;  // Either family.
  bool ipv6 = false;
};

// The command line as typed, before validation. Numbers are kept as text so
// that a bad one is reported by us, with the others, instead of by the flag
// parser one at a time.
struct FlagValues {
  std::string proxy_uid = "1337";
  std::string proxy_gid;  // Empty: same as proxy_uid.
  std::string outbound_port = "15001";
  std::string inbound_port = "15006";
  std::string exclude_inbound_ports;   // "22,15020"
  std::string include_inbound_ports = "*";  // "*", "" (none) or "80,443"
  std::string exclude_outbound_ports;  // "3306"
  std::string exclude_outbound_cidrs;  // "10.0.0.0/8,fd00::/8"
  bool ipv6 = false;
  std::string backend = "auto";
};

struct ValidatedFlags {
  CaptureOptions capture;
  std::optional<Backend> backend;  // nullopt: detect.
};

// Validates every field and reports all problems in one kInvalidArgument
// status, one per line, each naming the flag and the bad value.
absl::StatusOr<ValidatedFlags> ValidateFlags(const FlagValues& flags);

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_OPTIONS_H_
