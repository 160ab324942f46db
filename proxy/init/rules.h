#ifndef WEFT_PROXY_INIT_RULES_H_
#define WEFT_PROXY_INIT_RULES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "proxy/network/cidr.h"
#include "proxy/init/nat_state.h"
#include "proxy/init/options.h"

namespace weft::mesh_init {

using network::Cidr;
using network::IpFamily;

// Our chains in the nat table; mesh-init creates, rewrites and removes these
// and nothing else (plus the two jumps into them from the built-in chains).
inline constexpr absl::string_view kInboundChain = "WEFT_INBOUND";
inline constexpr absl::string_view kInboundRedirectChain = "WEFT_IN_REDIRECT";
inline constexpr absl::string_view kOutputChain = "WEFT_OUTPUT";
inline constexpr absl::string_view kRedirectChain = "WEFT_REDIRECT";

// The iptables-restore input (for `iptables-restore --noflush`) that installs
// capture for one address family. Declaring our chains flushes them when they
// exist, so the same text replaces an older copy; the jumps from PREROUTING
// and OUTPUT are added only when `current` does not have them yet. Applying
// the result any number of times leaves one copy of everything.
// Pure function: no I/O.
std::string RenderCaptureRules(const CaptureOptions& options, IpFamily family,
                               const NatState& current);

// The iptables-restore input that removes our chains and every rule in
// another chain that jumps to them, as found in `current`, and nothing else.
// Empty when `current` holds nothing of ours.
std::string RenderCleanupRules(const NatState& current);

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_RULES_H_
