#include "control-plane/kube/create_kube_source.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "control-plane/kube/https_api_transport.h"

namespace weft::control_plane::kube {

absl::StatusOr<KubeApi> ConnectKubeApi(const KubeSourceFlags& flags) {
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
  WEFT_LOG(kInfo, "kubernetes: API server https://%s:%d (%s)", config->host,
           static_cast<int>(config->port),
           flags.kubeconfig.empty() ? "in-cluster service account"
                                    : absl::StrCat("kubeconfig ", flags.kubeconfig));
  KubeConfig shared = *config;
  return KubeApi{*config, flags.kubeconfig.empty(), [shared]() -> std::unique_ptr<ApiTransport> {
                   return std::move(*HttpsApiTransport::Create(shared, {}));  // checked above
                 }};
}

std::unique_ptr<KubeSource> CreateKubeSource(const KubeApi& api, const KubeSource::Options& options,
                                             event::Dispatcher& dispatcher) {
  return std::make_unique<KubeSource>(options, api.transports, dispatcher);
}

absl::StatusOr<std::unique_ptr<KubeSource>> CreateKubeSource(const KubeSourceFlags& flags,
                                                             event::Dispatcher& dispatcher) {
  absl::StatusOr<KubeApi> api = ConnectKubeApi(flags);
  if (!api.ok()) return api.status();
  return CreateKubeSource(*api, flags.source, dispatcher);
}

}  // namespace weft::control_plane::kube
