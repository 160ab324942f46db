#ifndef WEFT_CONTROL_PLANE_KUBE_KUBE_CONFIG_H_
#define WEFT_CONTROL_PLANE_KUBE_KUBE_CONFIG_H_

// How mesh-control-plane reaches the Kubernetes API server: in-cluster (the
// pod's service-account token and CA, KUBERNETES_SERVICE_HOST/PORT) or a
// kubeconfig file (its current-context). Every error names the bad field.
//
//   absl::StatusOr<KubeConfig> config = flag.empty()
//       ? LoadInClusterConfig(InClusterPaths{}, getenv_function)
//       : LoadKubeconfigFile(flag, {.allow_insecure = false});
//
// Thread-compatible (functions of the file system and environment only).

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace weft::control_plane::kube {

struct KubeConfig {
  std::string host;  // DNS name or IP literal (no brackets)
  uint16_t port = 443;
  std::string ca_pem;  // the API server's CA; empty only with insecure_skip_tls_verify
  // Bearer token: `token` as given, or re-read from `token_file` on every
  // connection (in-cluster tokens are rotated by the kubelet).
  std::string token;
  std::string token_file;
  std::string client_cert_pem;  // client-certificate authentication (both or neither)
  std::string client_key_pem;
  bool insecure_skip_tls_verify = false;
  std::string ns = "default";  // the namespace of the context / of the pod
};

struct InClusterPaths {
  std::string token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string ns = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

using EnvLookup = std::function<std::string(const std::string& name)>;  // "" when unset

// kFailedPrecondition when not running in a pod (no KUBERNETES_SERVICE_HOST),
// kInvalidArgument / kNotFound for a bad or missing file, naming it.
absl::StatusOr<KubeConfig> LoadInClusterConfig(const InClusterPaths& paths, const EnvLookup& env);

struct KubeconfigOptions {
  // insecure-skip-tls-verify: true is refused unless this is set.
  bool allow_insecure = false;
};

// Reads the kubeconfig at `path`; relative file references in it are relative
// to its directory, as kubectl does.
absl::StatusOr<KubeConfig> LoadKubeconfigFile(const std::string& path,
                                              const KubeconfigOptions& options);
// The same from text; `base_dir` resolves relative file references.
absl::StatusOr<KubeConfig> ParseKubeconfig(const std::string& text, const std::string& base_dir,
                                           const KubeconfigOptions& options);

// "https://host:port" (also "[v6]:port"; port defaults to 443) into host/port.
absl::Status ParseServerUrl(const std::string& url, KubeConfig& config);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_KUBE_CONFIG_H_
