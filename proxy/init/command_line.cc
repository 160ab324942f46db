#include "proxy/init/command_line.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace weft::mesh_init {
namespace {

// The spellings absl accepts for a boolean flag's value.
bool IsBoolValue(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  for (absl::string_view ok : {"true", "false", "t", "f", "yes", "no", "y",
                               "n", "1", "0"}) {
    if (lower == ok) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> PrepareCommandLine(
    const std::vector<std::string>& args, const FlagLookup& lookup) {
  std::vector<std::string> out;
  std::vector<std::string> problems;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i == 0) {
      out.push_back(arg);
      continue;
    }
    if (arg == "--") {
      // Everything after "--" is positional, and mesh-init takes none.
      for (size_t j = i + 1; j < args.size(); ++j) {
        problems.push_back(
            absl::StrCat("unexpected argument \"", args[j], "\""));
      }
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      problems.push_back(absl::StrCat("unexpected argument \"", arg,
                                      "\" (mesh-init takes only flags)"));
      continue;
    }
    const absl::string_view body =
        absl::StripPrefix(absl::StripPrefix(arg, "-"), "-");
    const size_t eq = body.find('=');
    std::string name(body.substr(0, eq));
    const bool has_value = eq != absl::string_view::npos;
    const absl::string_view value =
        has_value ? body.substr(eq + 1) : absl::string_view();

    std::string underscored = name;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    FlagKind kind = lookup(name);
    if (kind == FlagKind::kUnknown && lookup(underscored) != FlagKind::kUnknown) {
      name = underscored;
      kind = lookup(name);
    }
    bool negated = false;
    if (kind == FlagKind::kUnknown && absl::StartsWith(underscored, "no") &&
        lookup(underscored.substr(2)) == FlagKind::kBool) {
      name = underscored;
      kind = FlagKind::kBool;
      negated = true;
    }

    if (kind == FlagKind::kUnknown) {
      problems.push_back(absl::StrCat("unknown flag --", body.substr(0, eq),
                                      " (see --help)"));
      continue;
    }
    if (kind == FlagKind::kBool && has_value &&
        (negated || !IsBoolValue(value))) {
      problems.push_back(absl::StrCat("--", name, ": \"", value,
                                      "\" is not true or false"));
      continue;
    }
    out.push_back(absl::StrCat("--", name,
                               has_value ? absl::StrCat("=", value) : ""));
    if (kind == FlagKind::kValue && !has_value) {
      // "--proxy_uid 1000": the value is the next argument.
      if (i + 1 < args.size()) {
        out.push_back(args[++i]);
      } else {
        problems.push_back(absl::StrCat("--", name, " needs a value"));
      }
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  }
  return out;
}

}  // namespace weft::mesh_init
