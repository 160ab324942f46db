// mesh-init: programs the pod's nat table so that TCP traffic goes through
// the sidecar (outbound to --outbound_port, inbound to --inbound_port), then
// exits. Wiring only; the logic lives in the libraries next to this file.
//
// Exit codes: 0 success, 2 bad command line, 1 anything else (iptables failed).

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/time/real_time_source.h"
#include "proxy/init/backend.h"
#include "proxy/init/command_line.h"
#include "proxy/init/installer.h"
#include "proxy/init/options.h"
#include "proxy/init/real_command_runner.h"

ABSL_FLAG(std::string, proxy_uid, "1337",
          "UID the proxy runs as; its connections are never captured.");
ABSL_FLAG(std::string, proxy_gid, "",
          "GID the proxy runs as; its connections are never captured. "
          "Default: same as --proxy_uid.");
ABSL_FLAG(std::string, outbound_port, "15001",
          "Port the proxy's outbound listener captures on.");
ABSL_FLAG(std::string, inbound_port, "15006",
          "Port the proxy's inbound listener captures on.");
ABSL_FLAG(std::string, exclude_inbound_ports, "",
          "Comma-separated inbound TCP ports left alone (e.g. 22,15020).");
ABSL_FLAG(std::string, include_inbound_ports, "*",
          "Inbound TCP ports to capture: \"*\" for all (minus the excluded), "
          "a comma-separated list, or \"\" for none.");
ABSL_FLAG(std::string, exclude_outbound_ports, "",
          "Comma-separated destination TCP ports not captured on the way out.");
ABSL_FLAG(std::string, exclude_outbound_cidrs, "",
          "Comma-separated destination networks not captured on the way out "
          "(IPv6 ones need --ipv6).");
ABSL_FLAG(bool, ipv6, false, "Also program IPv6 (ip6tables).");
ABSL_FLAG(bool, dry_run, false,
          "Print the exact iptables-restore input and change nothing "
          "(also spelled --dry-run).");
ABSL_FLAG(bool, cleanup, false,
          "Remove our chains and the jumps to them, and nothing else.");
ABSL_FLAG(std::string, backend, "auto",
          "iptables backend: auto (use what the host uses), nft or legacy.");

namespace {

using weft::mesh_init::FlagKind;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

FlagKind LookupFlag(absl::string_view name) {
  // absl's own flags, handled inside ParseCommandLine but not all registered.
  for (absl::string_view builtin : {"help", "helpfull", "helpshort",
                                    "helppackage", "version", "only_check_args"}) {
    if (name == builtin) return FlagKind::kBool;
  }
  for (absl::string_view builtin :
       {"helpon", "helpmatch", "flagfile", "fromenv", "tryfromenv", "undefok"}) {
    if (name == builtin) return FlagKind::kValue;
  }
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr) return FlagKind::kUnknown;
  return flag->IsOfType<bool>() ? FlagKind::kBool : FlagKind::kValue;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Programs this network namespace's nat table so the Weft sidecar "
      "captures its TCP traffic, then exits.\n"
      "  mesh-init [--proxy_uid=1337] [--exclude_inbound_ports=22] "
      "[--ipv6] [--dry-run]\n"
      "  mesh-init --cleanup\n"
      "Exit codes: 0 success, 2 bad flags, 1 iptables failed.");
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "proxy/init/");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);

  absl::StatusOr<std::vector<std::string>> prepared =
      weft::mesh_init::PrepareCommandLine(
          std::vector<std::string>(argv, argv + argc), LookupFlag);
  if (!prepared.ok()) {
    std::cerr << "mesh-init: " << prepared.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::string& arg : *prepared) {
    if (arg == "--help" || arg == "--helpshort") {
      // absl exits with status 1 after --help; asking for help is a success.
      absl::flags_internal::SetProgramInvocationName(argv[0]);
      absl::flags_internal::FlagsHelp(
          std::cout, "proxy/init/main",
          absl::flags_internal::HelpFormat::kHumanReadable,
          absl::ProgramUsageMessage());
      return 0;
    }
  }
  std::vector<char*> c_args;
  for (std::string& arg : *prepared) c_args.push_back(arg.data());
  absl::ParseCommandLine(static_cast<int>(c_args.size()), c_args.data());

  weft::mesh_init::FlagValues values;
  values.proxy_uid = absl::GetFlag(FLAGS_proxy_uid);
  values.proxy_gid = absl::GetFlag(FLAGS_proxy_gid);
  values.outbound_port = absl::GetFlag(FLAGS_outbound_port);
  values.inbound_port = absl::GetFlag(FLAGS_inbound_port);
  values.exclude_inbound_ports = absl::GetFlag(FLAGS_exclude_inbound_ports);
  values.include_inbound_ports = absl::GetFlag(FLAGS_include_inbound_ports);
  values.exclude_outbound_ports = absl::GetFlag(FLAGS_exclude_outbound_ports);
  values.exclude_outbound_cidrs = absl::GetFlag(FLAGS_exclude_outbound_cidrs);
  values.ipv6 = absl::GetFlag(FLAGS_ipv6);
  values.backend = absl::GetFlag(FLAGS_backend);
  absl::StatusOr<weft::mesh_init::ValidatedFlags> flags =
      weft::mesh_init::ValidateFlags(values);
  if (!flags.ok()) {
    std::cerr << "mesh-init: bad flags:\n" << flags.status().message() << "\n";
    return kExitUsage;
  }

  weft::mesh_init::RealCommandRunner runner(weft::RealTimeSource::Instance(),
                                            absl::Seconds(30));
  weft::mesh_init::Backend backend;
  if (flags->backend.has_value()) {
    backend = *flags->backend;
  } else {
    absl::StatusOr<weft::mesh_init::DetectedBackend> detected =
        weft::mesh_init::DetectBackend(runner);
    if (!detected.ok()) {
      std::cerr << "mesh-init: " << detected.status().message() << "\n";
      return kExitFailure;
    }
    backend = detected->backend;
    std::cerr << "mesh-init: backend "
              << weft::mesh_init::BackendName(backend) << " ("
              << detected->reason << ")\n";
  }

  weft::mesh_init::CaptureInstaller installer(runner, backend, std::cerr);
  const bool dry_run = absl::GetFlag(FLAGS_dry_run);
  const absl::Status status =
      absl::GetFlag(FLAGS_cleanup)
          ? installer.Cleanup(flags->capture.ipv6, dry_run, std::cout)
          : installer.Install(flags->capture, dry_run, std::cout);
  if (!status.ok()) {
    std::cerr << "mesh-init: " << status.message() << "\n";
    return kExitFailure;
  }
  return 0;
}
