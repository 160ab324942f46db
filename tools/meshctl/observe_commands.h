#ifndef WEFT_TOOLS_MESHCTL_OBSERVE_COMMANDS_H_
#define WEFT_TOOLS_MESHCTL_OBSERVE_COMMANDS_H_

// meshctl's inspection commands, all over HTTP (env.http):
//
//   stat <service|workload>   requests/s, success rate, p50/p95/p99 per destination
//                             service, from two scrapes of the proxies' /metrics
//   top                       the busiest routes, refreshed --iterations times
//   proxy-config <pod> [listeners|routes|clusters|endpoints|secrets]
//                             the pod's /config_dump on its metrics port (15020)
//   check                     control plane reachable, a valid model, every proxy
//                             connected and SYNCED, no NACKs, certificates
//
// Which proxies: --address=IP:PORT (repeatable) of their metrics port, else every
// proxy the control plane lists on its monitoring port (--monitoring, default
// 127.0.0.1:15014, /debug/proxies): the peer IP of its xDS stream, port
// --metrics_port (15020).
//
// Exit codes: 0 ok; 1 problems found (check), nothing matched, bad data; 2 usage
// or a component unreachable.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"
#include "tools/meshctl/golden_stats.h"
#include "common/json/json_value.h"

namespace weft::meshctl {

using ::weft::json::FormatNumber;
using ::weft::json::Json;

int RunStat(const std::vector<std::string>& args, const CommandEnv& env);
int RunTop(const std::vector<std::string>& args, const CommandEnv& env);
int RunProxyConfig(const std::vector<std::string>& args, const CommandEnv& env);
int RunCheck(const std::vector<std::string>& args, const CommandEnv& env);

// Exposed for tests.
std::string FormatGoldenTable(const std::string& key_header, const std::vector<GoldenRow>& rows);
Json GoldenJson(const std::string& key_name, const std::vector<GoldenRow>& rows,
                absl::Duration window);
// The table of one /config_dump section (listeners, routes, clusters, endpoints),
// or for `secrets` of the proxy's /certs view passed as `dump`; kInvalidArgument
// for an unknown section.
absl::StatusOr<std::string> FormatConfigSection(const Json& dump, const std::string& section);
// The table of `proxy-config secrets`, from the proxy's /certs?format=json.
std::string FormatSecrets(const Json& certs);
absl::StatusOr<Json> ConfigSectionJson(const Json& dump, const std::string& section);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_OBSERVE_COMMANDS_H_
