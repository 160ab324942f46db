#ifndef WEFT_TOOLS_MESHCTL_GET_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_GET_COMMAND_H_

// `meshctl get <kind> [name] [-n NS | -A] [-o table|json|yaml]`: lists objects of
// the manifest directory as the control plane sees them. The directory is read
// and built exactly as the control plane does; if it is invalid, the problems go
// to stderr and the exit code is 1 (the control plane is serving the last valid
// configuration, not what the files say).
//
// -o yaml prints the stored documents as written; -o json the same as JSON (a
// kubectl-style List when no name is given); the table adds what the model
// derives (VIPs, endpoints, protocols).

#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl {

int RunGet(const std::vector<std::string>& args, const CommandEnv& env);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_GET_COMMAND_H_
