#include "tools/meshctl/inject_command.h"

#include <fstream>
#include <sstream>

#include "control-plane/inject/injection_config.h"
#include "control-plane/inject/manifest_injection.h"
#include "tools/meshctl/cli_args.h"

namespace weft::meshctl {
namespace {

const std::vector<FlagSpec>& Flags() {
  static const inject::InjectionConfig defaults;
  static const auto* const flags = new std::vector<FlagSpec>{
      {"filename", "f", true, "FILE", "manifest file, or - for stdin"},
      {"proxy_image", "", true, "IMAGE", "mesh-proxy image (default " + defaults.proxy_image + ")"},
      {"init_image", "", true, "IMAGE", "mesh-init image (default " + defaults.init_image + ")"},
      {"control_plane", "", true, "HOST:PORT",
       "xDS + CA address (default " + defaults.control_plane_address + ")"},
      {"trust_domain", "", true, "DOMAIN", "SPIFFE trust domain (default " + defaults.trust_domain + ")"},
      {"no-native-sidecar", "", false, "",
       "clusters older than Kubernetes 1.29: the proxy as a regular container that holds the app"},
  };
  return *flags;
}

constexpr char kUsage[] =
    "Usage: meshctl inject -f FILE|- [--proxy_image=IMAGE] [--init_image=IMAGE]\n"
    "                      [--control_plane=HOST:PORT] [--trust_domain=DOMAIN] [--no-native-sidecar]\n"
    "\n"
    "Adds the Weft sidecar to the pods and pod templates (Deployment, StatefulSet,\n"
    "DaemonSet, ReplicaSet, Job, CronJob) of multi-document YAML, as the control\n"
    "plane's injection webhook would; other objects pass through unchanged. The\n"
    "result goes to stdout, one line per workload to stderr. Pods annotated\n"
    "weft.dev/inject: \"false\", hostNetwork pods and injected pods are left alone.\n"
    "\n"
    "  meshctl inject -f deploy.yaml | kubectl apply -f -\n"
    "\n"
    "Flags:\n";

}  // namespace

int RunInject(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) {
    *env.err << "meshctl inject: " << args.status().message() << "\n"
             << "Run 'meshctl inject --help' for usage.\n";
    return kExitUsage;
  }
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  const std::string path = args->Get("filename");
  if (path.empty() || !args->positionals.empty()) {
    *env.err << "meshctl inject: -f FILE|- is required (and takes no other arguments)\n";
    return kExitUsage;
  }
  inject::InjectionConfig config;
  config.proxy_image = args->Get("proxy_image", config.proxy_image);
  config.init_image = args->Get("init_image", config.init_image);
  config.control_plane_address = args->Get("control_plane", config.control_plane_address);
  config.trust_domain = args->Get("trust_domain", config.trust_domain);
  config.native_sidecar = !args->Has("no-native-sidecar");
  if (absl::Status s = config.Validate(); !s.ok()) {
    *env.err << "meshctl inject: " << s.message() << "\n";
    return kExitUsage;
  }

  std::stringstream text;
  if (path == "-") {
    text << env.in->rdbuf();
  } else {
    std::ifstream file(path);
    if (!file) {
      *env.err << "meshctl inject: cannot read " << path << "\n";
      return kExitInvalid;
    }
    text << file.rdbuf();
  }
  absl::StatusOr<inject::ManifestInjection> result = inject::ApplyToManifest(text.str(), config);
  if (!result.ok()) {
    *env.err << "meshctl inject: " << (path == "-" ? "stdin" : path) << ": "
             << result.status().message() << "\n";
    return kExitInvalid;
  }
  *env.out << result->yaml;
  for (const std::string& line : result->report) *env.err << line << "\n";
  return kExitOk;
}

}  // namespace weft::meshctl
