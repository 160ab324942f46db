#ifndef WEFT_TOOLS_MESHCTL_INJECT_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_INJECT_COMMAND_H_

// `meshctl inject -f FILE|-`: offline sidecar injection of Kubernetes manifests,
// the same injection the control plane's webhook does (control-plane/inject/).
// Writes the manifests, injected, to stdout as YAML; one line per workload
// ("deployment/web: injected", "pod/x: skipped: opted out ...") to stderr.
//
//   meshctl inject -f deploy.yaml | kubectl apply -f -

#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl {

int RunInject(const std::vector<std::string>& args, const CommandEnv& env);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_INJECT_COMMAND_H_
