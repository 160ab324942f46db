#ifndef WEFT_TOOLS_MESHCTL_INSTALL_MANIFESTS_H_
#define WEFT_TOOLS_MESHCTL_INSTALL_MANIFESTS_H_

// The Kubernetes objects of a Weft install, as data: what `meshctl install`
// prints and `meshctl uninstall` names. Pure (no I/O, no clock, no randomness):
// the same options and CA give byte-identical YAML.
//
//   InstallOptions options;
//   options.root_cert_pem = ...; options.root_key_pem = ...;  // install_ca.h
//   absl::StatusOr<std::vector<Json>> docs = RenderInstallManifests(options);
//   std::cout << FormatManifests(kInstallHeader, *docs);
//   std::cout << FormatManifests(kUninstallHeader, UninstallIdentities(*docs));
//
// Objects, in apply order: Namespace, the mesh.weft.dev CRDs (api/crds, embedded
// at build time), ServiceAccount, ClusterRole + binding, Role + binding (leases
// and the CA Secret in our namespace only), the CA Secret, the control plane and
// webhook Services, the Deployment, its PodDisruptionBudget, and the
// MutatingWebhookConfiguration. Gateway API CRDs (HTTPRoute, GRPCRoute) are
// read but not installed: the cluster provides them.
//
// Thread-safe (pure functions).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json/json_value.h"

namespace weft::meshctl {

struct InstallOptions {
  std::string namespace_name = "weft-system";
  std::string image = "weft/mesh-control-plane:latest";
  int replicas = 2;
  std::string trust_domain = "cluster.local";
  // For the namespace-labelled webhook: Fail or Ignore (docs/injection.md). The
  // annotated-pods webhook is always Ignore: it sees every namespace.
  std::string webhook_failure_policy = "Fail";
  // The root CA (PEM), as --ca_dir expects: root-cert.pem and root-key.pem.
  std::string root_cert_pem;
  std::string root_key_pem;  // Secret.
};

// Names shared by the objects (and the control plane's flag defaults).
inline constexpr char kControlPlaneName[] = "weft-control-plane";
inline constexpr char kWebhookServiceName[] = "weft-webhook";
inline constexpr char kCaSecretName[] = "weft-ca";
inline constexpr char kWebhookConfigName[] = "weft-sidecar-injector";
inline constexpr char kCaMountPath[] = "/var/lib/weft/ca";

// kInvalidArgument listing every problem of `options` (one per line).
absl::Status ValidateInstallOptions(const InstallOptions& options);

// Every object, in apply order. Errors: ValidateInstallOptions's, or
// kInternal when an embedded CRD does not parse (a build problem).
absl::StatusOr<std::vector<json::Json>> RenderInstallManifests(const InstallOptions& options);

// apiVersion, kind and metadata (name, namespace) of every object, in delete
// order: the reverse of apply order, with the CRDs last.
std::vector<json::Json> UninstallIdentities(const std::vector<json::Json>& docs);

inline constexpr char kInstallHeader[] =
    "# Weft service mesh: apply with  meshctl install | kubectl apply -f -\n"
    "# WARNING: the Secret weft-ca below holds the mesh's root CA private key.\n"
    "# Do not commit this output; whoever reads it can issue any mesh identity.\n";
inline constexpr char kUninstallHeader[] =
    "# Weft service mesh: remove with  meshctl uninstall | kubectl delete -f -\n"
    "# WARNING: deleting the CustomResourceDefinitions (last below) deletes every\n"
    "# TrafficPolicy, Workload, PeerAuthentication and AuthorizationPolicy in the cluster.\n";

// `header` then the documents as YAML, each introduced by "---".
std::string FormatManifests(const std::string& header, const std::vector<json::Json>& docs);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_INSTALL_MANIFESTS_H_
