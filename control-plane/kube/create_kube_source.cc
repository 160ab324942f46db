#include "control-plane/kube/create_kube_source.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "control-plane/kube/https_api_transport.h"
#include "control-plane/kube/kube_config.h"

namespace weft::control_plane::kube {

absl::StatusOr<std::unique_ptr<KubeSource>> CreateKubeSource(const KubeSourceFlags& flags,
                                                             event::Dispatcher& dispatcher) {
  absl::StatusOr<KubeConfig> config =
      flags.kubeconfig.empty()
          ? LoadInClusterConfig(InClusterPaths{},
                                [](const std::string& name) {
                                  const char* value = std::getenv(name.c_str());
                                  return std::string(value == nullptr ? "" : value);
                                })
          : LoadKubeconfigFile(flags.kubeconfig, {.allow_insecure = flags.allow_insecure});
  if (!config.ok()) return config.status();
  // Made once here so that a bad CA or key fails at start, not in a thread.
  absl::StatusOr<std::unique_ptr<HttpsApiTransport>> probe =
      HttpsApiTransport::Create(*config, {});
  if (!probe.ok()) return probe.status();
  WEFT_LOG(kInfo, "kubernetes source: API server https://%s:%d (%s)", config->host,
           static_cast<int>(config->port),
           flags.kubeconfig.empty() ? "in-cluster service account"
                                    : absl::StrCat("kubeconfig ", flags.kubeconfig));
  KubeConfig shared = *config;
  return std::make_unique<KubeSource>(
      flags.source,
      [shared]() -> std::unique_ptr<ApiTransport> {
        return std::move(*HttpsApiTransport::Create(shared, {}));  // checked above
      },
      dispatcher);
}

}  // namespace weft::control_plane::kube
