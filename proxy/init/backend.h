#ifndef WEFT_PROXY_INIT_BACKEND_H_
#define WEFT_PROXY_INIT_BACKEND_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proxy/network/cidr.h"
#include "proxy/init/command_runner.h"

namespace weft::mesh_init {

using network::Cidr;
using network::IpFamily;

// The two kernels interfaces iptables can drive. Rules written through one are
// invisible to the other's save tool, and a pod whose rules are split across
// both is hard to debug, so mesh-init uses whichever the host already uses.
enum class Backend { kNft, kLegacy };

absl::string_view BackendName(Backend backend);  // "nft" or "legacy".

// Parses "nft" or "legacy"; "auto" and "" give nullopt (detect at run time).
// kInvalidArgument names anything else.
absl::StatusOr<std::optional<Backend>> ParseBackendFlag(absl::string_view text);

// The binaries to call for one backend and address family, e.g.
// {"ip6tables-nft-save", "ip6tables-nft-restore"}.
struct BackendTools {
  std::string save;
  std::string restore;
};
BackendTools ToolsFor(Backend backend, IpFamily family);

struct DetectedBackend {
  Backend backend;
  std::string reason;  // One line for the log, e.g. "iptables-nft-save shows 3 rules, ...".
};

// Picks the backend the host uses: the one whose save tool shows more rules
// ("-A" lines); on a tie, what `iptables --version` says ("(nf_tables)" or
// "(legacy)"); failing that, the only backend whose tools run.
// kFailedPrecondition when none of that decides.
absl::StatusOr<DetectedBackend> DetectBackend(CommandRunner& runner);

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_BACKEND_H_
