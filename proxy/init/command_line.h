#ifndef WEFT_PROXY_INIT_COMMAND_LINE_H_
#define WEFT_PROXY_INIT_COMMAND_LINE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::mesh_init {

enum class FlagKind { kUnknown, kBool, kValue };

// Answers "is there a flag of this exact name, and what kind?".
using FlagLookup = std::function<FlagKind(absl::string_view name)>;

// Runs before absl::ParseCommandLine, which exits with status 1 on a bad
// command line, while mesh-init promises 2. Returns the arguments with dashed
// names rewritten to the registered underscore ones ("--dry-run" becomes
// "--dry_run"), or kInvalidArgument listing every unknown flag, bad boolean
// value and stray positional argument at once. args[0] is the program name.
absl::StatusOr<std::vector<std::string>> PrepareCommandLine(
    const std::vector<std::string>& args, const FlagLookup& lookup);

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_COMMAND_LINE_H_
