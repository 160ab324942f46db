#ifndef WEFT_TOOLS_MESHCTL_CLI_ARGS_H_
#define WEFT_TOOLS_MESHCTL_CLI_ARGS_H_

// Per-subcommand flag parsing for meshctl. absl flags are process-global, and each
// meshctl subcommand has its own flags (-n means namespace to `get`, nothing to
// `proxy-status`), so every command declares its FlagSpecs and parses its own argv.
//
//   absl::StatusOr<ParsedArgs> args = ParseArgs(argv_tail, {{"namespace", "n", true}});
//   if (!args.ok()) { print args.status().message(); return kExitUsage; }
//
// Accepted forms: --name=value, --name value, -n value, -n=value, boolean --name,
// -h/--help, and `--` to end the flags. A lone "-" is a value (stdin). Unknown
// flags and missing values are errors naming the flag.
//
// Thread-compatible (pure functions).

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::meshctl {

struct FlagSpec {
  std::string name;        // long name, without "--"
  std::string short_name;  // one letter without "-", or empty
  bool takes_value = false;
  std::string value_name;  // for help: "FILE"
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> values;  // by long name, in order
  std::vector<std::string> positionals;
  bool help = false;

  bool Has(const std::string& name) const { return values.count(name) > 0; }
  // The last value given for `name`, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
};

// kInvalidArgument naming the offending argument.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs);

// "  -n, --namespace=NS   help" lines, aligned.
std::string FlagsHelp(const std::vector<FlagSpec>& specs);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_CLI_ARGS_H_
