#ifndef WEFT_TOOLS_MESHCTL_INSTALL_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_INSTALL_COMMAND_H_

// `meshctl install` and `meshctl uninstall`: the Kubernetes manifests of a Weft
// install (install_manifests.h) on stdout, for kubectl.
//
//   meshctl install [--namespace=weft-system] [--image=IMAGE] [--replicas=2]
//                   [--trust_domain=cluster.local] [--ca_cert=FILE --ca_key=FILE]
//                   [--webhook_failure_policy=Fail|Ignore] | kubectl apply -f -
//   meshctl uninstall [--namespace=weft-system] | kubectl delete -f -
//
// Without --ca_cert/--ca_key a new root CA is generated (env.time); with them the
// output is byte-for-byte deterministic. docs/install.md explains every object.
//
// Exit codes: 0 ok; 1 invalid options or CA files; 2 usage.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl {

int RunInstall(const std::vector<std::string>& args, const CommandEnv& env);
int RunUninstall(const std::vector<std::string>& args, const CommandEnv& env);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_INSTALL_COMMAND_H_
