// meshctl: the Weft operator's CLI. Only dispatches; each command is a library
// (apply_command.h, get_command.h, delete_command.h, proxy_status_command.h,
// install_command.h, ...).

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/time/real_time_source.h"
#include "tools/meshctl/apply_command.h"
#include "tools/meshctl/certs_command.h"
#include "tools/meshctl/command.h"
#include "tools/meshctl/delete_command.h"
#include "tools/meshctl/get_command.h"
#include "tools/meshctl/inject_command.h"
#include "tools/meshctl/install_command.h"
#include "tools/meshctl/proxy_status_command.h"
#include "tools/meshctl/observe_commands.h"
#include "tools/meshctl/http_fetcher.h"
#include "absl/time/clock.h"

namespace {

constexpr char kHelp[] =
    "meshctl: operate a Weft service mesh.\n"
    "\n"
    "Usage: meshctl <command> [flags]\n"
    "\n"
    "Local mode (the manifest directory the control plane watches; --manifests=DIR,\n"
    "else $WEFT_MANIFESTS, else /var/lib/weft/manifests):\n"
    "  apply -f FILE|DIR|-         validate with the directory, then add or replace objects\n"
    "  get <kind> [name]           list services (svc), endpointslices (eps), workloads\n"
    "                              (wl), httproutes, grpcroutes, trafficpolicies (tp),\n"
    "                              peerauthentications (pa), authorizationpolicies (ap)\n"
    "  delete <kind> <name> | -f   remove objects if nothing still refers to them\n"
    "\n"
    "Kubernetes:\n"
    "  install                     the install's manifests, for kubectl apply -f -\n"
    "  uninstall                   what removes it, for kubectl delete -f -\n"
    "  inject -f FILE|-            add the sidecar to manifests, as the injection webhook does\n"
    "\n"
    "Control plane and proxies:\n"
    "  proxy-status                which proxies are connected and in sync (xDS)\n"
    "  proxy-config <pod> [section] a pod's listeners, routes, clusters, endpoints, secrets\n"
    "  stat <service|workload>     requests/s, success rate, p50/p95/p99 latency\n"
    "  top                         the busiest routes, refreshed a few times\n"
    "  check                       control plane, proxies in sync, no NACKs, certificates\n"
    "  certs                       CA roots and workload certificates (rotate-root, token)\n"
    "  completion bash             a bash completion script (source <(meshctl completion bash))\n"
    "\n"
    "Run 'meshctl <command> --help' for a command's flags.\n"
    "Exit codes: 0 ok, 1 invalid input or refused, 2 usage or connection error.\n";

constexpr char kBashCompletion[] = R"(# bash completion for meshctl
_meshctl() {
  local cur prev words cword
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  local commands="apply get delete install uninstall inject proxy-status proxy-config stat top check certs completion"
  if [[ ${COMP_CWORD} -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands} --help" -- "${cur}"))
    return
  fi
  case "${COMP_WORDS[1]}" in
    get|delete)
      [[ ${COMP_CWORD} -eq 2 ]] && COMPREPLY=($(compgen -W "services endpointslices workloads httproutes grpcroutes trafficpolicies peerauthentications authorizationpolicies" -- "${cur}")) ;;
    certs)
      [[ ${COMP_CWORD} -eq 2 ]] && COMPREPLY=($(compgen -W "rotate-root token" -- "${cur}")) ;;
    proxy-config)
      [[ ${COMP_CWORD} -eq 3 ]] && COMPREPLY=($(compgen -W "listeners routes clusters endpoints secrets" -- "${cur}")) ;;
    completion)
      COMPREPLY=($(compgen -W "bash" -- "${cur}")) ;;
  esac
  if [[ "${prev}" == "-o" || "${prev}" == "--output" ]]; then
    COMPREPLY=($(compgen -W "table json yaml" -- "${cur}"))
  elif [[ "${cur}" == -* ]]; then
    COMPREPLY=($(compgen -W "--help -o --output --address --monitoring --window --iterations --control_plane --manifests --namespace --image --replicas --trust_domain --ca_cert --ca_key --webhook_failure_policy --cert_min_validity --root_min_validity --no_proxy_certs" -- "${cur}"))
  fi
}
complete -F _meshctl meshctl
)";

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
  if (command == "inject") return weft::meshctl::RunInject(rest, env);
  if (command == "install") return weft::meshctl::RunInstall(rest, env);
  if (command == "uninstall") return weft::meshctl::RunUninstall(rest, env);
  if (command == "completion") {
    if (rest.size() == 1 && (rest[0] == "--help" || rest[0] == "-h")) {
      std::cout << "Usage: meshctl completion bash\n\nPrints a bash completion script; load it "
                   "with\n  source <(meshctl completion bash)\n";
      return weft::meshctl::kExitOk;
    }
    if (rest.size() != 1 || rest[0] != "bash") {
      std::cerr << "meshctl completion: expected \"bash\" (the only shell supported)\n";
      return weft::meshctl::kExitUsage;
    }
    std::cout << kBashCompletion;
    return weft::meshctl::kExitOk;
  }
  // Every command below reads HTTP endpoints of the proxies or the control plane.
  weft::meshctl::SocketHttpFetcher http(absl::Seconds(5), weft::RealTimeSource::Instance());
  env.http = &http;
  env.sleep = [](absl::Duration d) { absl::SleepFor(d); };
  if (command == "proxy-config") return weft::meshctl::RunProxyConfig(rest, env);
  if (command == "stat") return weft::meshctl::RunStat(rest, env);
  if (command == "top") return weft::meshctl::RunTop(rest, env);
  if (command == "check") return weft::meshctl::RunCheck(rest, env);
  if (command == "certs") return weft::meshctl::RunCerts(rest, env);
  std::cerr << "meshctl: unknown command \"" << command << "\"\n"
            << "Run 'meshctl --help' for the commands.\n";
  return weft::meshctl::kExitUsage;
}
