#ifndef WEFT_TOOLS_MESHCTL_CERTS_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_CERTS_COMMAND_H_

// `meshctl certs`: the mesh's certificate authority as operators see it.
//
//   meshctl certs [--monitoring=IP:PORT] [-o table|json|yaml]
//       roots (fingerprint, role in a rotation, expiry) and the live workload
//       certificates (identity, serial, expiry, which root), from the control
//       plane's GET /debug/certs
//   meshctl certs rotate-root [--monitoring=IP:PORT]
//       begins a root rotation (POST /debug/certs/rotate-root); the phases then
//       advance by themselves (docs/certificates.md)
//   meshctl certs token <namespace>/<workload> [--ca_dir=DIR] [--revoke]
//       local mode: issues the workload's join token (printed alone on stdout,
//       for scripts) by writing its hash into DIR/join-tokens; earlier tokens of
//       the workload stop working. --revoke removes them instead.
//
// Exit codes: 0 ok; 1 refused (a rotation already under way, bad name); 2 usage
// or the control plane unreachable.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"
#include "common/json/json_value.h"

namespace weft::meshctl {

using ::weft::json::Json;

inline constexpr char kDefaultCaDir[] = "/var/lib/weft/ca";

int RunCerts(const std::vector<std::string>& args, const CommandEnv& env);

// The two tables of `meshctl certs` from a /debug/certs document; `now` fills
// the time-left column (InfinitePast: "-"). Exposed for tests.
std::string FormatCertsTables(const Json& certs, absl::Time now);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_CERTS_COMMAND_H_
