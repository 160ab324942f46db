#ifndef WEFT_TOOLS_MESHCTL_APPLY_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_APPLY_COMMAND_H_

// `meshctl apply -f FILE|DIR|-`: adds or replaces objects in the manifest
// directory, but only if the directory as a whole stays valid — the same check
// the control plane makes (BuildModel over every object), so an apply that
// succeeds is a configuration the control plane will accept.
//
// Each object goes to a file of its own, <kind>-<namespace>-<name>.yaml, written
// atomically. An object already defined in a file holding other documents is not
// rewritten (that would mean editing someone else's file): apply refuses and
// names the file. Nothing is changed unless every object can be applied.
//
// Prints "service/shop/backend created|configured|unchanged" per object.

#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl {

int RunApply(const std::vector<std::string>& args, const CommandEnv& env);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_APPLY_COMMAND_H_
