#ifndef WEFT_TOOLS_MESHCTL_DELETE_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_DELETE_COMMAND_H_

// `meshctl delete <kind> <name> [-n NS]` or `meshctl delete -f FILE|DIR|-`:
// removes objects from the manifest directory, but only if what remains is still
// valid — deleting a Service that an HTTPRoute still sends traffic to is refused
// with the control plane's own reason. An object sharing its file with other
// documents is not removed (meshctl does not edit files it does not own); the
// refusal names the file.
//
// Prints "service/shop/backend deleted" per object.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl {

int RunDelete(const std::vector<std::string>& args, const CommandEnv& env);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_DELETE_COMMAND_H_
