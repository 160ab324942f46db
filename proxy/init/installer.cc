#include "proxy/init/installer.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proxy/init/nat_state.h"
#include "proxy/init/rules.h"

namespace weft::mesh_init {
namespace {

absl::string_view FamilyName(IpFamily family) {
  return family == IpFamily::kIpv4 ? "IPv4" : "IPv6";
}

std::string Failure(absl::string_view command, const CommandResult& result) {
  return absl::StrCat(command, " exited with ", result.exit_code, ": ",
                      absl::StripAsciiWhitespace(result.stderr_text));
}

}  // namespace

absl::Status CaptureInstaller::Install(const CaptureOptions& options,
                                       bool dry_run, std::ostream& out) {
  absl::Status status =
      RunFamily(Action::kInstall, options, IpFamily::kIpv4, dry_run, out);
  if (!status.ok() || !options.ipv6) return status;
  status = RunFamily(Action::kInstall, options, IpFamily::kIpv6, dry_run, out);
  if (!status.ok() && !dry_run) {
    return absl::Status(
        status.code(),
        absl::StrCat(status.message(),
                     " (IPv4 capture is installed; re-run, or run --cleanup)"));
  }
  return status;
}

absl::Status CaptureInstaller::Cleanup(bool ipv6, bool dry_run,
                                       std::ostream& out) {
  const CaptureOptions unused;
  absl::Status status =
      RunFamily(Action::kCleanup, unused, IpFamily::kIpv4, dry_run, out);
  if (!status.ok() || !ipv6) return status;
  return RunFamily(Action::kCleanup, unused, IpFamily::kIpv6, dry_run, out);
}

absl::Status CaptureInstaller::RunFamily(Action action,
                                         const CaptureOptions& options,
                                         IpFamily family, bool dry_run,
                                         std::ostream& out) {
  const BackendTools tools = ToolsFor(backend_, family);
  const std::string save_command = absl::StrCat(tools.save, " -t nat");
  absl::StatusOr<CommandResult> saved =
      runner_.Run({tools.save, "-t", "nat"}, "");
  if (!saved.ok()) return saved.status();
  if (saved->exit_code != 0) {
    return absl::InternalError(Failure(save_command, *saved));
  }
  const NatState current = ParseNatState(saved->stdout_text);

  const std::string text = action == Action::kInstall
                               ? RenderCaptureRules(options, family, current)
                               : RenderCleanupRules(current);
  const std::string restore_command = absl::StrCat(tools.restore, " --noflush");
  if (text.empty()) {
    log_ << "mesh-init: " << FamilyName(family)
         << ": no chains or jumps of ours in the nat table; nothing to remove\n";
    return absl::OkStatus();
  }
  if (dry_run) {
    out << "# " << restore_command << "\n" << text;
    return absl::OkStatus();
  }
  absl::StatusOr<CommandResult> restored =
      runner_.Run({tools.restore, "--noflush"}, text);
  if (!restored.ok()) return restored.status();
  if (restored->exit_code != 0) {
    return absl::InternalError(Failure(restore_command, *restored));
  }
  log_ << "mesh-init: " << FamilyName(family) << ": "
       << (action == Action::kInstall ? "capture installed" : "capture removed")
       << " with " << restore_command << "\n";
  return absl::OkStatus();
}

}  // namespace weft::mesh_init
