#include "tools/meshctl/install_command.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/install_ca.h"
#include "tools/meshctl/install_manifests.h"

namespace weft::meshctl {
namespace {

const FlagSpec kNamespaceFlag = {"namespace", "n", true, "NS",
                                 "the control plane's namespace (weft-system)"};

const std::vector<FlagSpec>& InstallFlags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      kNamespaceFlag,
      {"image", "", true, "IMAGE", "the mesh-control-plane image (weft/mesh-control-plane:latest)"},
      {"replicas", "", true, "N", "control plane replicas (2)"},
      {"trust_domain", "", true, "DOMAIN", "SPIFFE trust domain of every identity (cluster.local)"},
      {"ca_cert", "", true, "FILE", "root CA certificate (PEM); with --ca_key. Default: generate"},
      {"ca_key", "", true, "FILE", "root CA private key (PKCS#8 PEM); with --ca_cert"},
      {"webhook_failure_policy", "", true, "Fail|Ignore",
       "failure policy for namespaces labelled weft.dev/inject=enabled (Fail)"},
  };
  return *flags;
}

constexpr char kInstallUsage[] =
    "Usage: meshctl install [flags] | kubectl apply -f -\n"
    "\n"
    "Prints every object of a Weft install on Kubernetes: the namespace, the\n"
    "mesh.weft.dev CRDs, least-privilege RBAC, the control plane Deployment, its\n"
    "PodDisruptionBudget and Services, the sidecar injection webhook (its caBundle is\n"
    "the root CA) and the root CA Secret. The Gateway API CRDs (HTTPRoute,\n"
    "GRPCRoute) are not included: install them from the Gateway API release.\n"
    "Without --ca_cert/--ca_key a new root CA is generated on every run: keep the\n"
    "output (it holds the CA key) or pass the files to get the same output again.\n"
    "See docs/install.md.\n"
    "\n"
    "Flags:\n";

constexpr char kUninstallUsage[] =
    "Usage: meshctl uninstall [--namespace=NS] | kubectl delete -f -\n"
    "\n"
    "Prints the identity of every object 'meshctl install' creates, in delete order,\n"
    "the CRDs last. Deleting the CRDs deletes every mesh.weft.dev policy in the cluster.\n"
    "\n"
    "Flags:\n";

int Usage(const CommandEnv& env, const char* command, absl::string_view message) {
  *env.err << "meshctl " << command << ": " << message << "\n"
           << "Run 'meshctl " << command << " --help' for usage.\n";
  return kExitUsage;
}

}  // namespace

int RunInstall(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, InstallFlags());
  if (!args.ok()) return Usage(env, "install", args.status().message());
  if (args->help) {
    *env.out << kInstallUsage << FlagsHelp(InstallFlags());
    return kExitOk;
  }
  if (!args->positionals.empty()) return Usage(env, "install", "install takes no arguments");
  InstallOptions options;
  options.namespace_name = args->Get("namespace", options.namespace_name);
  options.image = args->Get("image", options.image);
  options.trust_domain = args->Get("trust_domain", options.trust_domain);
  options.webhook_failure_policy =
      args->Get("webhook_failure_policy", options.webhook_failure_policy);
  if (args->Has("replicas") && !absl::SimpleAtoi(args->Get("replicas"), &options.replicas)) {
    return Usage(env, "install", "--replicas: expected a number");
  }
  if (args->Has("ca_cert") != args->Has("ca_key")) {
    return Usage(env, "install", "--ca_cert and --ca_key go together");
  }
  if (env.time == nullptr) return Usage(env, "install", "no clock (internal)");
  absl::StatusOr<InstallCa> ca =
      args->Has("ca_cert")
          ? LoadInstallCa(args->Get("ca_cert"), args->Get("ca_key"), options.trust_domain,
                          *env.time)
          : GenerateInstallCa(options.trust_domain, *env.time);
  if (!ca.ok()) {
    *env.err << "meshctl install: root CA: " << ca.status().message() << "\n";
    return kExitInvalid;
  }
  options.root_cert_pem = ca->root_cert_pem;
  options.root_key_pem = ca->root_key_pem;
  absl::StatusOr<std::vector<json::Json>> docs = RenderInstallManifests(options);
  if (!docs.ok()) {
    *env.err << "meshctl install:\n" << docs.status().message() << "\n";
    return kExitInvalid;
  }
  *env.out << FormatManifests(kInstallHeader, *docs);
  return kExitOk;
}

int RunUninstall(const std::vector<std::string>& argv, const CommandEnv& env) {
  const std::vector<FlagSpec> flags = {kNamespaceFlag};
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, flags);
  if (!args.ok()) return Usage(env, "uninstall", args.status().message());
  if (args->help) {
    *env.out << kUninstallUsage << FlagsHelp(flags);
    return kExitOk;
  }
  if (!args->positionals.empty()) return Usage(env, "uninstall", "uninstall takes no arguments");
  InstallOptions options;
  options.namespace_name = args->Get("namespace", options.namespace_name);
  // Only the objects' identities are printed: any CA will do.
  options.root_cert_pem = options.root_key_pem = "unused";
  absl::StatusOr<std::vector<json::Json>> docs = RenderInstallManifests(options);
  if (!docs.ok()) {
    *env.err << "meshctl uninstall:\n" << docs.status().message() << "\n";
    return kExitInvalid;
  }
  *env.out << FormatManifests(kUninstallHeader, UninstallIdentities(*docs));
  return kExitOk;
}

}  // namespace weft::meshctl
