#include "proxy/init/backend.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::mesh_init {
namespace {

// Rules shown by one save tool, or -1 when the tool could not be run or failed.
int CountRules(CommandRunner& runner, const std::string& save_tool) {
  absl::StatusOr<CommandResult> result = runner.Run({save_tool}, "");
  if (!result.ok() || result->exit_code != 0) return -1;
  int rules = 0;
  for (absl::string_view line : absl::StrSplit(result->stdout_text, '\n')) {
    if (absl::StartsWith(line, "-A ")) ++rules;
  }
  return rules;
}

std::string Shows(absl::string_view tool, int rules) {
  return rules < 0 ? absl::StrCat(tool, " failed")
                   : absl::StrCat(tool, " shows ", rules, " rules");
}

}  // namespace

absl::string_view BackendName(Backend backend) {
  return backend == Backend::kNft ? "nft" : "legacy";
}

absl::StatusOr<std::optional<Backend>> ParseBackendFlag(
    absl::string_view text) {
  if (text.empty() || text == "auto") return std::optional<Backend>();
  if (text == "nft") return std::optional<Backend>(Backend::kNft);
  if (text == "legacy") return std::optional<Backend>(Backend::kLegacy);
  return absl::InvalidArgumentError(absl::StrCat(
      "--backend: \"", text, "\" is not one of auto, nft, legacy"));
}

BackendTools ToolsFor(Backend backend, IpFamily family) {
  const std::string prefix = absl::StrCat(
      family == IpFamily::kIpv4 ? "iptables-" : "ip6tables-",
      BackendName(backend));
  return {absl::StrCat(prefix, "-save"), absl::StrCat(prefix, "-restore")};
}

absl::StatusOr<DetectedBackend> DetectBackend(CommandRunner& runner) {
  const int legacy = CountRules(runner, "iptables-legacy-save");
  const int nft = CountRules(runner, "iptables-nft-save");
  const std::string counts =
      absl::StrCat(Shows("iptables-nft-save", nft), ", ",
                   Shows("iptables-legacy-save", legacy));
  if (nft > 0 && nft > legacy) return DetectedBackend{Backend::kNft, counts};
  if (legacy > 0 && legacy > nft) {
    return DetectedBackend{Backend::kLegacy, counts};
  }

  absl::StatusOr<CommandResult> version = runner.Run({"iptables", "--version"}, "");
  if (version.ok() && version->exit_code == 0) {
    const std::string why =
        absl::StrCat(counts, "; `iptables --version` says ",
                     absl::StripAsciiWhitespace(version->stdout_text));
    if (absl::StrContains(version->stdout_text, "(nf_tables)")) {
      return DetectedBackend{Backend::kNft, why};
    }
    if (absl::StrContains(version->stdout_text, "(legacy)")) {
      return DetectedBackend{Backend::kLegacy, why};
    }
  }
  if (nft >= 0 && legacy < 0) {
    return DetectedBackend{Backend::kNft, absl::StrCat(counts, "; only nft works")};
  }
  if (legacy >= 0 && nft < 0) {
    return DetectedBackend{Backend::kLegacy,
                           absl::StrCat(counts, "; only legacy works")};
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot tell whether this host uses iptables nft or legacy (", counts,
      "); pass --backend=nft or --backend=legacy"));
}

}  // namespace weft::mesh_init
