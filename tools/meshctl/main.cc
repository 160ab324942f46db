// meshctl: the Weft operator's CLI. Only dispatches; each command is a library
// (apply_command.h, get_command.h, delete_command.h, proxy_status_command.h).

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/time/real_time_source.h"
#include "tools/meshctl/apply_command.h"
#include "tools/meshctl/command.h"
#include "tools/meshctl/delete_command.h"
#include "tools/meshctl/get_command.h"
#include "tools/meshctl/proxy_status_command.h"

namespace {

constexpr char kHelp[] =
    "meshctl: operate a Weft service mesh.\n"
    "\n"
    "Usage: meshctl <command> [flags]\n"
    "\n"
    "Local mode (the manifest directory the control plane watches; --manifests=DIR,\n"
    "else $WEFT_MANIFESTS, else /var/lib/weft/manifests):\n"
    "  apply -f FILE|DIR|-         validate with the directory, then add or replace objects\n"
    "  get <kind> [name]           list services (svc), workloads (wl), httproutes,\n"
    "                              grpcroutes, trafficpolicies (tp)\n"
    "  delete <kind> <name> | -f   remove objects if nothing still refers to them\n"
    "\n"
    "Control plane:\n"
    "  proxy-status                which proxies are connected and in sync (xDS)\n"
    "\n"
    "Run 'meshctl <command> --help' for a command's flags.\n"
    "Exit codes: 0 ok, 1 invalid input or refused, 2 usage or connection error.\n";

}  // namespace

int main(int argc, char** argv) {
  using weft::meshctl::CommandEnv;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kHelp;
    return weft::meshctl::kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kHelp;
    return weft::meshctl::kExitOk;
  }
  CommandEnv env{&std::cin, &std::cout, &std::cerr};
  env.time = &weft::RealTimeSource::Instance();
  if (const char* manifests = std::getenv(weft::meshctl::kManifestsEnv);
      manifests != nullptr && *manifests != '\0') {
    env.default_manifests = manifests;
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "apply") return weft::meshctl::RunApply(rest, env);
  if (command == "get") return weft::meshctl::RunGet(rest, env);
  if (command == "delete") return weft::meshctl::RunDelete(rest, env);
  if (command == "proxy-status") return weft::meshctl::RunProxyStatus(rest, env);
  std::cerr << "meshctl: unknown command \"" << command << "\"\n"
            << "Run 'meshctl --help' for the commands.\n";
  return weft::meshctl::kExitUsage;
}
