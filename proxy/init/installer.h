#ifndef WEFT_PROXY_INIT_INSTALLER_H_
#define WEFT_PROXY_INIT_INSTALLER_H_

#include <ostream>

#include "absl/status/status.h"
#include "proxy/init/backend.h"
#include "proxy/init/command_runner.h"
#include "proxy/init/options.h"

namespace weft::mesh_init {

// Installs or removes traffic capture: for each address family, reads the nat
// table with the backend's save tool, renders the change (rules.h) and
// applies it in one `iptables-restore --noflush` transaction, so a pod never
// sees half of our rules. IPv4 is applied before IPv6; if IPv6 then fails,
// IPv4 capture stays installed and the error says so (re-run or --cleanup).
//
//   CaptureInstaller installer(runner, Backend::kNft, std::cerr);
//   absl::Status s = installer.Install(options, /*dry_run=*/false, std::cout);
//
// Borrows `runner` and `log`, which must outlive it. Not thread-safe.
class CaptureInstaller {
 public:
  CaptureInstaller(CommandRunner& runner, Backend backend, std::ostream& log)
      : runner_(runner), backend_(backend), log_(log) {}

  // With dry_run, writes the exact iptables-restore input to `out` (each
  // transaction after a "# <tool> --noflush" comment line) and changes
  // nothing. Errors: kInternal when a save or restore tool fails (its stderr
  // is in the message), or the runner's error when a tool cannot be run.
  absl::Status Install(const CaptureOptions& options, bool dry_run,
                       std::ostream& out);

  // Removes our chains and the jumps to them, for IPv4 and, with `ipv6`,
  // IPv6. Nothing to remove is success. Same dry_run and errors as Install.
  absl::Status Cleanup(bool ipv6, bool dry_run, std::ostream& out);

 private:
  enum class Action { kInstall, kCleanup };
  absl::Status RunFamily(Action action, const CaptureOptions& options,
                         IpFamily family, bool dry_run, std::ostream& out);

  CommandRunner& runner_;
  const Backend backend_;
  std::ostream& log_;
};

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_INSTALLER_H_
