#ifndef WEFT_TOOLS_MESHCTL_PROXY_STATUS_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_PROXY_STATUS_COMMAND_H_

// `meshctl proxy-status [--control_plane=HOST:PORT] [-o table|json] [NODE]`: asks
// the control plane (weft.controlplane.v1.MeshStatus/ListProxies, plaintext, 5 s
// deadline) which proxies are connected and whether each has ACKed the latest
// listeners, clusters, endpoints and routes:
//
//   NAME        PEER             LDS               CDS               EDS ...
//   frontend-0  ipv4:10.77.0.2:… SYNCED 3f2a…      STALE 8c1d…       NACKED 77aa…
//     NACK EDS: <the proxy's error message> (version 77aa…)
//
// An unreachable control plane is exit code 2 with the address and gRPC's reason.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"
#include "weft/controlplane/v1/mesh_status.pb.h"

namespace weft::meshctl {

int RunProxyStatus(const std::vector<std::string>& args, const CommandEnv& env);

// The table (with NACK detail lines), exposed for tests.
std::string FormatProxyStatusTable(const weft::controlplane::v1::ListProxiesResponse& response);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_PROXY_STATUS_COMMAND_H_
