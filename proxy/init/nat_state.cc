#include "proxy/init/nat_state.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace weft::mesh_init {

NatState ParseNatState(absl::string_view save_output) {
  NatState state;
  bool in_nat = false;
  for (absl::string_view line : absl::StrSplit(save_output, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (absl::StartsWith(line, "*")) {
      in_nat = line == "*nat";
      continue;
    }
    if (!in_nat) continue;
    if (line == "COMMIT") {
      in_nat = false;
    } else if (absl::StartsWith(line, ":")) {
      // ":WEFT_OUTPUT - [0:0]"
      std::vector<absl::string_view> fields =
          absl::StrSplit(line.substr(1), ' ', absl::SkipEmpty());
      if (!fields.empty()) state.chains.insert(std::string(fields[0]));
    } else if (absl::StartsWith(line, "-A ")) {
      state.rules.push_back(std::string(line));
    }
  }
  return state;
}

std::string RuleChain(absl::string_view rule) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(rule, ' ', absl::SkipEmpty());
  return fields.size() >= 2 ? std::string(fields[1]) : std::string();
}

std::optional<std::string> RuleTarget(absl::string_view rule) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(rule, ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (fields[i] == "-j" || fields[i] == "-g" || fields[i] == "--jump" ||
        fields[i] == "--goto") {
      return std::string(fields[i + 1]);
    }
  }
  return std::nullopt;
}

}  // namespace weft::mesh_init
