#include "tools/meshctl/cli_args.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace weft::meshctl {
namespace {

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, absl::string_view name, bool is_short) {
  for (const FlagSpec& spec : specs) {
    if (is_short ? spec.short_name == name : spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::string ParsedArgs::Get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg == "-" || !absl::StartsWith(arg, "-")) {
      parsed.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      parsed.help = true;
      continue;
    }
    const bool is_short = !absl::StartsWith(arg, "--");
    std::string body = arg.substr(is_short ? 1 : 2);
    std::string name = body;
    std::string value;
    bool has_inline_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_inline_value = true;
    }
    const FlagSpec* spec = FindSpec(specs, name, is_short);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag \"", arg, "\""));
    }
    if (!spec->takes_value) {
      if (has_inline_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", spec->name, " takes no value (got \"", arg, "\")"));
      }
      parsed.values[spec->name].push_back("true");
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", spec->name, " needs a value (", spec->value_name, ")"));
      }
      value = args[++i];
    }
    parsed.values[spec->name].push_back(value);
  }
  return parsed;
}

std::string FlagsHelp(const std::vector<FlagSpec>& specs) {
  std::vector<std::pair<std::string, std::string>> lines;
  size_t width = 0;
  for (const FlagSpec& spec : specs) {
    std::string left = spec.short_name.empty() ? "    " : absl::StrCat("-", spec.short_name, ", ");
    absl::StrAppend(&left, "--", spec.name);
    if (spec.takes_value) absl::StrAppend(&left, "=", spec.value_name);
    width = std::max(width, left.size());
    lines.emplace_back(left, spec.help);
  }
  lines.emplace_back("-h, --help", "show this help");
  width = std::max<size_t>(width, lines.back().first.size());
  std::string out;
  for (const auto& [left, help] : lines) {
    absl::StrAppend(&out, "  ", left, std::string(width - left.size() + 3, ' '), help, "\n");
  }
  return out;
}

}  // namespace weft::meshctl
